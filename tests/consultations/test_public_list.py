"""The public list of consultations: found by words, topic, region and status; drafts and
team consultations never shown; closed ones with "we asked, you said, we did"; reached
from the home page, which also leads to ideas, email updates, events and open data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Consultation
from chorus.directory.models import Region
from chorus.directory.reference import regions_ensure
from tests.factories import ConsultationFactory, ImpactRecordFactory, TeamFactory, TopicFactory

pytestmark = pytest.mark.django_db

LIST = reverse("consultations:public_consultation_list")


def _consultation(title: str, *, opens: int = -1, closes: int = 30, **more) -> Consultation:
    now = timezone.now()
    more.setdefault("is_published", True)
    return ConsultationFactory(
        title=title, opens_at=now + timedelta(days=opens), closes_at=now + timedelta(days=closes), **more
    )


def _shown(client: Client, query: str = "", prefix: str = "") -> str:
    return client.get(f"{prefix}{LIST}{query}").content.decode()


def test_it_lists_open_forthcoming_and_closed_consultations_open_first(client: Client) -> None:
    _consultation("Closed on fees", opens=-60, closes=-10)
    _consultation("Forthcoming on parking", opens=10, closes=40)
    _consultation("Open on libraries", closes=20)
    _consultation("Open on bins, closing soon", closes=2)
    page = _shown(client)
    order = [
        page.index(title)
        for title in (
            "Open on bins, closing soon",
            "Open on libraries",
            "Forthcoming on parking",
            "Closed on fees",
        )
    ]
    assert order == sorted(order)
    assert "4 consultations" in page


def test_drafts_and_team_consultations_never_appear(client: Client) -> None:
    _consultation("Published for everyone")
    _consultation("Still a draft", is_published=False)
    _consultation("Only for a team", team=TeamFactory())
    page = _shown(client)
    assert "Published for everyone" in page
    assert "Still a draft" not in page and "Only for a team" not in page
    assert "Still a draft" not in _shown(client, "?q=draft")


def test_words_find_consultations_by_title_summary_or_welsh_text(client: Client) -> None:
    _consultation("Library opening hours", summary="When branches open.")
    _consultation("Bin collections", summary="Fortnightly collections of garden waste.")
    _consultation("Parcio", title_cy="Parcio yn y dref", summary="Car parks.")
    assert "Library opening hours" in _shown(client, "?q=library+hours")
    assert "Bin collections" not in _shown(client, "?q=library+hours")
    assert "Bin collections" in _shown(client, "?q=garden")
    assert "Parcio" in _shown(client, "?q=dref")
    empty = _shown(client, "?q=")
    assert "Library opening hours" in empty and "Bin collections" in empty


def test_topic_region_and_status_filters_narrow_the_list(client: Client) -> None:
    regions_ensure()
    wales = Region.objects.get(name_en="Wales")
    housing = TopicFactory(name_en="Housing", name_cy="Tai")
    both = _consultation("Housing in Wales")
    both.topics.add(housing)
    both.regions.add(wales)
    housing_only = _consultation("Housing everywhere")
    housing_only.topics.add(housing)
    _consultation("Closed on housing", opens=-40, closes=-5).topics.add(housing)
    _consultation("Nothing to do with it")
    page = _shown(client, f"?topic={housing.pk}&region={wales.pk}")
    assert "Housing in Wales" in page
    assert "Housing everywhere" not in page and "Nothing to do with it" not in page
    by_topic = _shown(client, f"?topic={housing.pk}")
    assert "Housing everywhere" in by_topic and "Nothing to do with it" not in by_topic
    closed = _shown(client, f"?topic={housing.pk}&status=closed")
    assert "Closed on housing" in closed and "Housing everywhere" not in closed
    assert "1 consultation" in closed


def test_a_search_that_finds_nothing_says_so(client: Client) -> None:
    _consultation("Library opening hours")
    page = _shown(client, "?q=zebra+crossings")
    assert "No consultations match your search or filters." in page
    assert "Library opening hours" not in page
    assert "Clear search and filters" in page


def test_a_filter_that_is_not_on_the_list_is_an_error_that_says_what_to_do(client: Client) -> None:
    _consultation("Library opening hours")
    page = _shown(client, "?topic=99999&q=library")
    assert "Choose a topic from the list" in page
    assert "Library opening hours" in page  # the search words still apply


def test_the_filters_stay_in_the_address_from_page_to_page(client: Client) -> None:
    for n in range(25):
        _consultation(f"Roads consultation {n}")
    _consultation("Something else")
    first = _shown(client, "?q=roads")
    assert "25 consultations" in first and "Page 1 of 2" in first
    assert "?q=roads&amp;page=2" in first
    second = _shown(client, "?q=roads&page=2")
    assert "Page 2 of 2" in second and "Something else" not in second


def test_a_closed_consultation_shows_we_asked_you_said_we_did(client: Client) -> None:
    closed = _consultation("Court opening hours", opens=-60, closes=-10, summary="Should courts open later?")
    record = ImpactRecordFactory(
        you_said="Evening hearings would help people who work",
        we_did="Two courts now sit until 7pm",
        is_published=True,
    )
    record.consultations.add(closed)
    hidden = ImpactRecordFactory(you_said="Not decided yet", is_published=False)
    hidden.consultations.add(closed)
    _consultation("Closed with nothing published", opens=-60, closes=-20)
    page = _shown(client)
    assert "We asked" in page and "Should courts open later?" in page
    assert "Evening hearings would help people who work" in page
    assert "Two courts now sit until 7pm" in page
    assert "Not decided yet" not in page
    assert reverse("consultations:public_consultation_impact", args=[closed.code]) in page
    assert "We have not yet published what changed because of this consultation." in page


def test_welsh_pages_show_welsh_and_mark_english_fallbacks(client: Client) -> None:
    _consultation(
        "Library hours", title_cy="Oriau llyfrgelloedd", summary="English summary", summary_cy="Crynodeb"
    )
    _consultation("Bin collections", summary="Only in English")
    page = _shown(client, prefix="/cy")
    assert "Oriau llyfrgelloedd" in page and "Crynodeb" in page
    assert "Library hours" not in page
    assert '<span lang="en">Bin collections</span>' in page
    assert 'lang="en">Only in English' in page
    assert 'lang="en">Crynodeb' not in page


def test_the_home_page_leads_to_consultations_ideas_updates_events_and_open_data(client: Client) -> None:
    page = client.get(reverse("core:public_home")).content.decode()
    for name in (
        "consultations:public_consultation_list",
        "ideas:challenge_list",
        "bulletins:subscribe",
        "calendar:public_calendar",
        "insights:catalogue",
    ):
        assert f'href="{reverse(name)}"' in page, name
    welsh = client.get("/cy/").content.decode()
    assert 'href="/cy/consultations/"' in welsh


def test_the_open_data_page_links_to_the_data_request_form(client: Client) -> None:
    page = client.get(reverse("insights:catalogue")).content.decode()
    assert f'href="{reverse("insights:request_new")}"' in page
