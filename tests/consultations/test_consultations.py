from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Consultation
from chorus.directory.models import Region
from chorus.directory.reference import regions_ensure
from chorus.engagement.models import ImpactRecord
from tests.factories import ConsultationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _consultation(**fields) -> Consultation:
    now = timezone.now()
    defaults = {
        "title": "Changes to court fees",
        "summary": "We propose to change some court fees.",
        "opens_at": now - timedelta(days=3),
        "closes_at": now + timedelta(days=30),
        "is_published": True,
    }
    return ConsultationFactory(**{**defaults, **fields})


def test_an_officer_sets_up_a_consultation_and_bad_input_is_explained(officer_client: Client, team) -> None:
    url = reverse("consultations:consultation_create")
    form = {
        "kind": "consultation",
        "title": "Changes to court fees",
        "summary": "We propose to change some court fees.",
        "opens_at": "2026-12-01 09:00",
        "closes_at": "2026-11-01 09:00",
        "is_published": "on",
        "team": team.pk,
    }
    page = officer_client.post(url, form).content.decode()
    assert "The closing must be after the opening" in page
    assert not Consultation.objects.exists()
    response = officer_client.post(url, {**form, "closes_at": "2027-02-01 23:59", "team": ""})
    consultation = Consultation.objects.get()
    assert response.url == reverse("consultations:consultation_detail", args=[consultation.code])
    # Saving never publishes: that is the checklist's job (see test_publishing.py).
    assert consultation.status() == "draft"
    consultation.is_published = True
    assert consultation.status(consultation.opens_at - timedelta(minutes=1)) == "forthcoming"
    assert consultation.status(consultation.opens_at) == "open"
    assert consultation.status(consultation.closes_at) == "closed"
    consultation.is_published = False
    assert consultation.status() == "draft"


def test_the_public_page_follows_the_dates_and_hides_drafts(client: Client, team) -> None:
    open_one = _consultation()
    page = client.get(reverse("consultations:public_consultation", args=[open_one.code])).content.decode()
    assert "How to respond" in page and "Open" in page
    closed = _consultation(
        title="Old",
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=1),
    )
    page = client.get(reverse("consultations:public_consultation", args=[closed.code])).content.decode()
    assert "This consultation has closed" in page and "How to respond" not in page
    draft = _consultation(is_published=False)
    restricted = _consultation(is_published=True, team=team)
    for hidden in (draft, restricted):
        assert client.get(reverse("consultations:public_consultation", args=[hidden.code])).status_code == 404


def test_consultations_are_on_the_calendar_and_in_its_feed(client: Client) -> None:
    regions_ensure()
    wales = Region.objects.get(name_en="Wales")
    now = timezone.now()
    in_wales = _consultation(title="Welsh tribunals", title_cy="Tribiwnlysoedd Cymru")
    in_wales.regions.add(wales)
    _consultation(title="Probate fees", opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=60))
    _consultation(title="Old fees", opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=10))
    page = client.get(reverse("calendar:public_calendar")).content.decode()
    assert page.index("Open consultations") < page.index("Welsh tribunals")
    assert "Forthcoming consultations" in page and "Probate fees" in page
    assert "Closed consultations" in page and "Old fees" in page
    filtered = client.get(reverse("calendar:public_calendar"), {"region": wales.pk}).content.decode()
    assert "Welsh tribunals" in filtered and "Probate fees" not in filtered
    feed = icalendar.Calendar.from_ical(client.get(reverse("calendar:public_calendar_feed")).content)
    summaries = {str(e["SUMMARY"]): e for e in feed.walk("VEVENT")}
    event = summaries["Consultation: Welsh tribunals"]
    assert event.decoded("DTEND") - event.decoded("DTSTART") == in_wales.closes_at - in_wales.opens_at
    assert str(event["URL"]).endswith(reverse("consultations:public_consultation", args=[in_wales.code]))
    assert "Tribiwnlysoedd Cymru" in client.get("/cy" + reverse("calendar:public_calendar")).content.decode()


def test_you_said_we_did_per_consultation(client: Client, officer_client: Client) -> None:
    project = ProjectFactory(name="Court fees")
    consultation = _consultation(project=project)
    url = reverse("consultations:public_consultation_impact", args=[consultation.code])
    assert client.get(url).status_code == 404
    officer_client.post(
        reverse("engagement:impact_create", kwargs={"project": project.code}),
        {
            "you_said": "The fee for appeals is too high",
            "we_did": "We kept the appeal fee as it is",
            "decided_on": "2026-10-01",
            "consultations": [consultation.pk],
        },
    )
    record = ImpactRecord.objects.get()
    assert list(record.consultations.all()) == [consultation]
    assert client.get(url).status_code == 404  # not yet published
    record.is_published = True
    record.save()
    assert "We kept the appeal fee as it is" in client.get(url).content.decode()
    page = client.get(reverse("consultations:public_consultation", args=[consultation.code])).content.decode()
    assert "1 change we made after hearing from you" in page


@pytest.mark.django_db
def test_the_calendar_filters_name_topics_and_regions_in_the_page_language(client: Client) -> None:
    from django.utils import translation

    from tests.factories import TopicFactory

    TopicFactory(name_en="Access to justice", name_cy="Mynediad at gyfiawnder")
    with translation.override("cy"):
        welsh = client.get(reverse("calendar:public_calendar")).content.decode()
    with translation.override("en"):
        english = client.get(reverse("calendar:public_calendar")).content.decode()
    assert "Mynediad at gyfiawnder" in welsh and "Access to justice" not in welsh
    assert "Access to justice" in english
