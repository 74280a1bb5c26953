"""A record's timeline reads as sentences a person would write, never as stored data."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.directory.duplicates import person_merge
from tests.factories import AttendanceFactory, make_person

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    """The page's words as a reader meets them, tags gone, spaces kept where the HTML has them."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def test_a_merged_persons_timeline_says_what_moved_in_words(admin_client: Client, admin: User) -> None:
    survivor = make_person(first_name="Jane", last_name="Smith", emails=["jane@example.org"])
    duplicate = make_person(first_name="Jane", last_name="Smyth", emails=["jane@example.org"])
    for _ in range(6):
        AttendanceFactory(person=duplicate)
    person_merge(actor=admin, survivor=survivor, duplicate=duplicate)

    html = admin_client.get(reverse("directory:person_detail", args=[survivor.code])).content.decode()
    timeline = _text(html[html.index('class="moj-timeline"') :])

    assert "6 attendance records moved from Jane Smyth's duplicate record." in timeline
    assert "1 contact point record stayed on the duplicate record" in timeline
    assert "Changed by Ada Admin" in timeline
    assert "Changedby" not in timeline
    for internal in ("{", "[", "engagement.attendance", "directory.contactpoint", str(duplicate.code)):
        assert internal not in timeline
