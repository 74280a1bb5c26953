from __future__ import annotations

import pytest

from chorus.core.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at jo.bloggs+x@example.co.uk please", "Email me at [email] please"),
        ("Call 01632 960001 or +44 7700 900982.", "Call [phone] or [phone]."),
        ("I live at CF10 1AA and my NI is QQ 12 34 56 C", "I live at [postcode] and my NI is [NI number]"),
        ("The fee rose by 25% in 2024 to £1,200", "The fee rose by 25% in 2024 to £1,200"),
    ],
)
def test_personal_details_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected
