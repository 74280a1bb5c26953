from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from chorus.core.hooks import TextsReceived

# The subjects analysis follows: texts about them go to the subject's live analyses.
FOLLOWED_SUBJECTS = frozenset({"consultation", "service", "social", "activity"})


def assign_to_live_analyses(texts: TextsReceived) -> None:
    """Receive new texts (after their transaction commits) and queue assigning them."""
    from chorus.analysis.services import responses_added, texts_added

    if texts.subject not in FOLLOWED_SUBJECTS:
        return
    if texts.source == "response":
        responses_added(consultation_id=texts.target_id, response_ids=texts.ids)
    else:
        texts_added(source=texts.source, ids=texts.ids, subject=texts.subject, target_id=texts.target_id)


def drop_erased_comments(person_id: int) -> None:
    """An erased person's event evaluation comments and cases' messages leave every analysis with them."""
    from chorus.analysis.services import erased_comments_drop

    erased_comments_drop(person_id)


class AnalysisConfig(AppConfig):
    name = "chorus.analysis"
    label = "analysis"
    verbose_name = _("Text analysis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers demo data, periodic jobs and the sections on the activity page and the
        # cases dashboard.
        from chorus.analysis import case_sections, demo, event_sections, jobs  # noqa: F401
        from chorus.core.hooks import on_person_erased, on_texts_received

        on_texts_received(assign_to_live_analyses)
        on_person_erased(drop_erased_comments)
        if getattr(settings, "CHORUS_SENSITIVE_CLASSIFIER", True):
            # Moderation's detector also reads sentences by meaning (engine/special.py).
            from chorus.analysis.engine.special import classify_sentences
            from chorus.core.sensitive import register_sentence_classifier

            register_sentence_classifier(classify_sentences)
