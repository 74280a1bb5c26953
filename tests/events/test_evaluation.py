"""After an event, those who came are asked how it went, once, in their language; each
answers once; the results show on the activity and in the report with small numbers hidden."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from chorus.core.hooks import TEXTS_RECEIVERS, TextsReceived
from chorus.core.models import AuditEntry
from chorus.engagement.models import Attendance
from chorus.events.evaluation import evaluation_results, evaluations_send
from chorus.events.jobs import evaluations_after_events
from chorus.events.models import Evaluation
from tests.factories import RegistrationSettingsFactory, make_person

pytestmark = pytest.mark.django_db(transaction=True)


def _past_event(team=None, *, hours_ago: int = 5):
    return RegistrationSettingsFactory(
        activity__team=team, activity__starts_at=timezone.now() - timedelta(hours=hours_ago)
    ).activity


def _came(activity, person, attended: bool = True) -> None:
    Attendance.objects.create(
        activity=activity, person=person, invitation=Attendance.Invitation.ACCEPTED, attended=attended
    )


def _link(message: mail.EmailMessage) -> str:
    url = re.search(r"https?://[^\s]+/events/evaluation/[^\s/]+/", message.body).group(0)
    return "/" + url.split("/", 3)[3]


def test_the_survey_goes_once_to_each_person_who_came_in_their_language() -> None:
    activity = _past_event()
    gwen = make_person(
        first_name="Gwen", last_name="Morgan", emails=["gwen@example.org"], preferred_language="cy"
    )
    tom = make_person(first_name="Tom", last_name="Hill", emails=["tom@example.org"])
    absent = make_person(first_name="Ann", last_name="Bell", emails=["ann@example.org"])
    _came(activity, gwen)
    _came(activity, tom)
    _came(activity, absent, attended=False)
    assert evaluations_send() == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"gwen@example.org", "tom@example.org"}
    assert "/cy/events/evaluation/" in by_address["gwen@example.org"].body
    assert "/cy/" not in by_address["tom@example.org"].body
    assert evaluations_send() == 0  # reruns send nothing more
    assert evaluations_after_events.call() == 0  # the periodic job runs the same
    assert len(mail.outbox) == 2


def test_the_survey_waits_until_the_event_is_over() -> None:
    activity = _past_event(hours_ago=1)
    _came(activity, make_person(first_name="Tom", last_name="Hill", emails=["tom@example.org"]))
    assert evaluations_send() == 0
    assert evaluations_send(now=timezone.now() + timedelta(hours=2)) == 1


def test_someone_answers_once_and_a_second_try_changes_nothing(client: Client) -> None:
    activity = _past_event()
    _came(activity, make_person(first_name="Tom", last_name="Hill", emails=["tom@example.org"]))
    heard: list[TextsReceived] = []
    TEXTS_RECEIVERS.append(heard.append)
    try:
        evaluations_send()
        link = _link(mail.outbox[0])
        page = client.get(link).content.decode()
        assert "How useful was it to you?" in page and "Did you feel listened to?" in page
        mistakes = client.post(link, {}).content.decode()
        assert "Choose how useful it was, from 1 to 5" in mistakes and "govuk-error-summary" in mistakes
        answers = {"useful": "4", "listened": "5", "accessible": "partly", "improve": "A longer break"}
        assert client.post(link, answers).status_code == 302
        assert client.post(link, {**answers, "useful": "1"}).status_code == 200
    finally:
        TEXTS_RECEIVERS.remove(heard.append)
    evaluation = Evaluation.objects.get()
    assert (evaluation.useful, evaluation.listened, evaluation.accessible) == (4, 5, "partly")
    assert "Thank you for your answers" in client.get(link).content.decode()
    assert [t.source for t in heard] == ["event_evaluation"] and heard[0].ids == (evaluation.pk,)
    assert AuditEntry.objects.filter(detail__evaluation="answered").count() == 1


def test_an_altered_link_is_refused(client: Client) -> None:
    assert client.get("/events/evaluation/not-a-real-link/").status_code == 404


@override_settings(CHORUS_SUPPRESS_BELOW=3)
def test_results_hide_small_numbers_and_show_on_the_activity_and_report(officer_client: Client, team) -> None:
    activity = _past_event(team)
    people = [
        make_person(first_name="P", last_name=f"N{i}", emails=[f"p{i}@example.org"], team=team)
        for i in range(4)
    ]
    for person in people:
        _came(activity, person)
    evaluations_send()
    evaluations = list(Evaluation.objects.all())
    assert evaluation_results([activity]).answered is None  # nobody yet, and that is not told apart from few
    for evaluation, (useful, accessible) in zip(
        evaluations, [(4, "yes"), (5, "yes"), (3, "yes"), (4, "no")], strict=True
    ):
        Evaluation.objects.filter(pk=evaluation.pk).update(
            useful=useful, listened=4, accessible=accessible, answered_at=timezone.now()
        )
    results = evaluation_results([activity])
    assert (results.asked, results.answered, results.useful, results.listened) == (4, 4, 4.0, 4.0)
    assert dict(results.accessible)["Yes"] == 3 and dict(results.accessible)["No"] is None
    page = officer_client.get(
        reverse("engagement:activity_detail", kwargs={"code": activity.code})
    ).content.decode()
    assert "How it went: the evaluation" in page and "How useful, out of 5: 4.0 on average." in page
    day = timezone.localdate(activity.starts_at)
    query = f"?start={day.isoformat()}&end={day.isoformat()}"
    report = officer_client.get(reverse("engagement:report") + query).content.decode()
    assert "Quality of engagement" in report and "Felt listened to, out of 5: 4.0 on average." in report
    csv = b"".join(officer_client.get(reverse("engagement:report_csv") + query).streaming_content).decode()
    assert "Quality of engagement" in csv and "Too small to report" in csv


def test_erasing_a_person_unlinks_their_answers_and_drops_their_words() -> None:
    from chorus.directory.rights import person_erase
    from chorus.events.jobs import evaluations_of_erased_people_blank

    activity = _past_event()
    person = make_person(first_name="Tom", last_name="Hill", emails=["tom@example.org"])
    _came(activity, person)
    evaluations_send()
    Evaluation.objects.update(useful=4, improve="My name is Tom", answered_at=timezone.now())
    person_erase(actor=None, person=person)
    # Done in the erasure itself (core's person_erased hook): the hourly sweep finds nothing.
    assert evaluations_of_erased_people_blank() == 0
    evaluation = Evaluation.objects.get()
    assert (evaluation.person, evaluation.improve, evaluation.useful) == (None, "", 4)
