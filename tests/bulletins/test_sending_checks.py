"""What stands between an officer and a send: a test to themselves, "Send to N people?",
a warning when people who asked for Welsh would get English; and what the email says
(plain text that reads as text, content blocks that stay apart from the officer's lists)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.bulletins import services
from chorus.bulletins.models import Bulletin, Delivery, Subscriber
from chorus.directory.reference import regions_ensure
from tests.factories import BulletinFactory, ConsultationFactory, SubscriberFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions(db: None) -> None:
    regions_ensure()


def _subscriber(email: str, language: str = "en") -> Subscriber:
    return SubscriberFactory(
        email=email, status=Subscriber.Status.ACTIVE, language=language, consented_at=timezone.now()
    )


def _send_url(bulletin: Bulletin) -> str:
    return reverse("bulletins:bulletin_send", args=[bulletin.code])


def test_the_plain_text_part_is_the_markdown_rendered_as_text(
    officer, django_capture_on_commit_callbacks
) -> None:
    _subscriber("a@example.org")
    bulletin = BulletinFactory(
        subject="News",
        body=(
            "# Spring news\n\nCome to **the forum** on [our events page](https://example.org/events).\n\n"
            "- Buses\n- Trains\n\n1. First\n2. Second"
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletin_send(bulletin=bulletin, actor=officer)
    (message,) = mail.outbox
    text = message.body
    assert "Spring news\n===========" in text
    assert "Come to the forum on our events page (https://example.org/events)." in text
    assert "- Buses\n- Trains" in text and "1. First\n2. Second" in text
    assert "**" not in text and "](" not in text and "# " not in text
    html = message.alternatives[0][0]
    assert "<strong>the forum</strong>" in html


def test_a_content_block_stays_a_list_of_its_own_and_shows_only_public_consultations(officer) -> None:
    ConsultationFactory(title="Open to all", is_published=True)
    ConsultationFactory(title="Kept to a team", is_published=True, team=TeamFactory())
    ConsultationFactory(title="Not published", is_published=False)
    body = "Our own news:\n\n- Staff item one\n- Staff item two\n{{ consultations }}\n- After the block"
    html = services.markdown_html(services.blocks_fill(body))
    assert "Open to all" in html
    assert "Kept to a team" not in html and "Not published" not in html
    lists = re.findall(r"<ul>(.*?)</ul>", html, re.S)
    assert len(lists) == 3, html
    assert "Staff item two" in lists[0] and "Open to all" not in lists[0]
    assert "Open to all" in lists[1] and "After the block" not in lists[1]


def test_the_send_button_asks_send_to_n_people_before_anything_goes(
    officer_client: Client, django_capture_on_commit_callbacks
) -> None:
    _subscriber("a@example.org")
    _subscriber("b@example.org")
    bulletin = BulletinFactory(body="Hello", body_cy="Helo")
    # The detail page no longer sends: its form leads to the confirmation.
    assert officer_client.post(reverse("bulletins:bulletin_detail", args=[bulletin.code])).status_code == 405
    page = officer_client.post(_send_url(bulletin), {"when": "now"})
    assert page.status_code == 200
    assert "Send to 2 people?" in page.content.decode()
    assert not mail.outbox and not Delivery.objects.exists()
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        done = officer_client.post(_send_url(bulletin), {"when": "now", "confirm": "yes"})
    assert done.status_code == 302
    assert len(mail.outbox) == 2
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SENT


def test_welsh_subscribers_without_a_welsh_version_need_the_officer_to_confirm(
    officer_client: Client, django_capture_on_commit_callbacks
) -> None:
    _subscriber("a@example.org")
    _subscriber("gwen@example.org", language="cy")
    bulletin = BulletinFactory(body="Hello", body_cy="")
    page = officer_client.post(_send_url(bulletin), {"when": "now"}).content.decode()
    assert "1 subscriber asked for Welsh; they will get the English text." in page
    refused = officer_client.post(_send_url(bulletin), {"when": "now", "confirm": "yes"})
    assert "Tick the box to send them the English text" in refused.content.decode()
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(_send_url(bulletin), {"when": "now", "confirm": "yes", "english_to_welsh": "on"})
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "gwen@example.org"]


def test_a_test_send_goes_to_the_officer_marked_test_and_is_not_a_delivery(
    officer_client: Client, officer, django_capture_on_commit_callbacks
) -> None:
    _subscriber("a@example.org")
    bulletin = BulletinFactory(subject="Spring news", body="Hello", subject_cy="Newyddion", body_cy="Helo")
    with django_capture_on_commit_callbacks(execute=True):
        reply = officer_client.post(reverse("bulletins:bulletin_test", args=[bulletin.code]))
    assert reply.status_code == 302
    assert [m.to for m in mail.outbox] == [[officer.email], [officer.email]]
    assert mail.outbox[0].subject == "[TEST] Spring news"
    assert "Newyddion" in mail.outbox[1].subject and "Helo" in mail.outbox[1].body
    assert not Delivery.objects.exists()
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.DRAFT and bulletin.recipients == 0


def test_a_scheduled_send_is_entered_in_the_govuk_date_input(officer_client: Client) -> None:
    _subscriber("a@example.org")
    bulletin = BulletinFactory()
    when = timezone.localtime() + timedelta(days=40)
    boxes = {"send_at_day": when.day, "send_at_month": when.month, "send_at_year": when.year}
    missing = officer_client.post(_send_url(bulletin), {"when": "later", **boxes, "send_at_month": ""})
    assert "Sending date must include a month" in missing.content.decode()
    page = officer_client.post(_send_url(bulletin), {"when": "later", **boxes, "send_at_time": "9:30am"})
    shown = datetime(when.year, when.month, when.day, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    assert f"{shown.day} {shown:%B} {shown.year} at 9:30am" in page.content.decode()
    officer_client.post(
        _send_url(bulletin), {"when": "later", **boxes, "send_at_time": "9:30am", "confirm": "yes"}
    )
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SCHEDULED
    assert timezone.localtime(bulletin.send_at).replace(tzinfo=None) == shown.replace(tzinfo=None)
    detail = officer_client.get(reverse("bulletins:bulletin_detail", args=[bulletin.code])).content.decode()
    assert f"{shown.day} {shown:%B} {shown.year} at 9:30am" in detail
    assert "p.m." not in detail and "a.m." not in detail
