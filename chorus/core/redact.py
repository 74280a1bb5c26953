"""Redacting personal details from text people wrote, before it is published.

Catches email addresses, UK phone numbers, postcodes and National Insurance numbers,
with the patterns in ``chorus.core.sensitive`` (their one home). The analysis engine
(issue #6) adds names from the directory and case references.
"""

from __future__ import annotations

from chorus.core.sensitive import EMAIL, NI_NUMBER, PHONE, POSTCODE

PATTERNS = [
    ("[email]", EMAIL),
    ("[NI number]", NI_NUMBER),
    ("[postcode]", POSTCODE),
    ("[phone]", PHONE),
]


def redact(text: str) -> str:
    for replacement, pattern in PATTERNS:
        text = pattern.sub(replacement, text)
    return text
