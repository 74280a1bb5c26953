"""Tasks of event registration."""

from __future__ import annotations

from chorus.core.tasks import background


@background(queue="default")
def registration_match(*, registration_id: int) -> int:
    """Link a registrant (and any others waiting) to the directory once their registration is stored."""
    # Imported here: the matching reads the services that queue this task.
    from chorus.events.matching import registration_match_directory

    return registration_match_directory(registration_id)
