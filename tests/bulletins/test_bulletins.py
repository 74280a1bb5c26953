"""Bulletins: double opt-in, audiences, sending through a real SMTP server started here,
one-click unsubscribe, bounces, trials, and sending each subscriber exactly one copy."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from chorus.bulletins import services, trials
from chorus.bulletins.models import Bulletin, Delivery, Subscriber
from chorus.directory.models import Region
from chorus.directory.reference import regions_ensure
from chorus.engagement.models import Activity
from tests.factories import (
    ArmFactory,
    BulletinFactory,
    SubscriberFactory,
    SubscriberListFactory,
    TopicFactory,
    make_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions(db: None) -> None:
    regions_ensure()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[Inbox]:
    """A real SMTP server on loopback; Django's SMTP backend sends to it."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            yield inbox
    finally:
        controller.stop()


def _text(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def _subscriber(email_: str, *, regions=(), topics=(), language: str = "en") -> Subscriber:
    s = SubscriberFactory(
        email=email_, status=Subscriber.Status.ACTIVE, language=language, consented_at=timezone.now()
    )
    s.regions.set(regions)
    s.topics.set(topics)
    return s


def test_a_member_of_the_public_subscribes_and_confirms(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    wales = Region.objects.get(name_en="Wales")
    topic = TopicFactory(name_en="Family courts", name_cy="Llysoedd teulu")
    person = make_person(first_name="Alys", last_name="Hopkins", emails=["alys@example.org"])

    page = client.post(reverse("bulletins:subscribe"), {"email": "nope"})
    assert "Enter an email address in the correct format" in page.content.decode()
    assert not Subscriber.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("bulletins:subscribe"),
            {"email": "Alys@Example.org", "regions": [wales.pk], "topics": [topic.pk]},
        )
    assert "Check your email" in page.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "alys@example.org" and subscriber.status == Subscriber.Status.PENDING
    link = re.search(r"http://\S+/bulletins/confirm/\S+/", mail.outbox[-1].body)
    assert link
    address = link.group(0).split("localhost:8000", 1)[-1].replace("http://testserver", "")
    # Opening the link (as a mail scanner would) confirms nothing; the button does.
    page = client.get(address)
    assert page.status_code == 200 and "Confirm your subscription" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert "Subscription confirmed" in client.post(address).content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.consented_at
    assert "Subscription confirmed" in client.get(address).content.decode()
    expired = client.get(reverse("bulletins:confirm", args=["no-such-token"]))
    assert expired.status_code == 404 and "This link does not work" in expired.content.decode()
    assert subscriber.person == person
    consent = person.consents.get()
    assert consent.purpose == "Email bulletins" and consent.source.startswith("Sign-up page")


def test_the_welsh_sign_up_page_and_emails_are_in_welsh(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/cy/bulletins/subscribe/", {"email": "gwen@example.org"})
    assert page.status_code == 200
    assert Subscriber.objects.get().language == "cy"
    assert "/cy/bulletins/confirm/" in mail.outbox[-1].body


def test_the_audience_narrows_by_region_and_topic_and_adds_lists(team) -> None:
    wales, scotland = Region.objects.get(name_en="Wales"), Region.objects.get(name_en="Scotland")
    family = TopicFactory(name_en="Family", name_cy="Teulu")
    crime = TopicFactory(name_en="Crime", name_cy="Trosedd")
    welsh_family = _subscriber("a@example.org", regions=[wales], topics=[family])
    everywhere = _subscriber("b@example.org")
    _subscriber("c@example.org", regions=[scotland], topics=[family])
    _subscriber("d@example.org", regions=[wales], topics=[crime])
    partner = _subscriber("e@example.org", regions=[scotland])
    gone = _subscriber("f@example.org", regions=[wales])
    gone.status = Subscriber.Status.UNSUBSCRIBED
    gone.save()
    partners = SubscriberListFactory(name="Partners")
    partner.lists.add(partners)
    bulletin = BulletinFactory(title="Wales family", subject="News", body="Hello", team=team)
    bulletin.regions.add(wales)
    bulletin.topics.add(family)
    assert set(services.audience(bulletin)) == {welsh_family, everywhere}
    bulletin.lists.add(partners)
    assert set(services.audience(bulletin)) == {welsh_family, everywhere, partner}


def test_a_bulletin_goes_through_smtp_once_each_with_unsubscribe_header_and_link(
    smtp: Inbox, officer, django_capture_on_commit_callbacks, client: Client
) -> None:
    subscribers = [_subscriber(f"p{i}@example.org") for i in range(7)]
    _subscriber("cy@example.org", language="cy")
    bulletin = BulletinFactory(
        title="November",
        subject="News for November",
        body=(
            "Read [the plan](https://example.gov.uk/plan).\n\n"
            "{{ consultations }}\n\n<script>alert(1)</script>"
        ),
        subject_cy="Newyddion Tachwedd",
        body_cy="Darllenwch [y cynllun](https://example.gov.uk/plan).",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletin_send(bulletin=bulletin, actor=officer)
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SENT
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        [s.email for s in subscribers] + ["cy@example.org"]
    )
    welsh = next(m for m in smtp.messages if m["To"] == "cy@example.org")
    assert welsh["Subject"] == "Newyddion Tachwedd"
    message = next(m for m in smtp.messages if m["To"] == "p0@example.org")
    assert message["Subject"] == "News for November"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = re.fullmatch(r"<(\S+)>", str(message["List-Unsubscribe"]).strip())
    assert header
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "No consultations are open just now." in _text(message)
    click = re.search(r'href="http://[^"]+(/b/[^"]+)"', html)
    assert click
    assert Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.SENT).count() == 8
    # A click goes through Chorus to the real address and is counted.
    reply = client.get(click.group(1))
    assert reply.status_code == 302 and reply["Location"] == "https://example.gov.uk/plan"
    assert Delivery.objects.filter(clicked_at__isnull=False).count() == 1
    # The mail client's one-click unsubscribe (RFC 8058), no session or CSRF token.
    path = header.group(1).split("localhost:8000", 1)[-1]
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Subscriber.objects.get(email="p0@example.org").status == Subscriber.Status.UNSUBSCRIBED
    # Sending again sends nothing: the bulletin is sent, and the deliveries are unique.
    with pytest.raises(services.SendError):
        services.bulletin_send(bulletin=bulletin, actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletin_deliver.enqueue(bulletin_id=bulletin.pk)
    assert len(smtp.messages) == 8
    activity = Activity.objects.get(bulletin=bulletin)
    assert activity.kind == "bulletin" and activity.recipients == 8


def test_the_unsubscribe_link_takes_one_click_and_can_be_undone(client: Client) -> None:
    subscriber = _subscriber("x@example.org")
    page = client.get(reverse("bulletins:unsubscribe", args=[subscriber.token]))
    assert "You are unsubscribed" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    client.post(reverse("bulletins:unsubscribe", args=[subscriber.token]), {"undo": "1"})
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_a_worker_that_dies_mid_send_never_causes_a_second_copy(
    smtp: Inbox, officer, django_capture_on_commit_callbacks
) -> None:
    for i in range(5):
        _subscriber(f"r{i}@example.org")
    bulletin = BulletinFactory()
    with override_settings(CHORUS_BULLETIN_SENDERS=1):
        services.bulletin_send(
            bulletin=bulletin, actor=officer
        )  # tasks wait for the commit that never comes here
    # A worker claimed two rows an hour ago and died before marking them sent.
    claimed = list(Delivery.objects.filter(bulletin=bulletin).order_by("pk").values_list("pk", flat=True)[:2])
    Delivery.objects.filter(pk__in=claimed).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletins_resume()
    assert len(smtp.messages) == 3
    assert Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.UNKNOWN).count() == 2
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SENT


def test_bounces_and_complaints_stop_sending(client: Client, settings) -> None:
    settings.CHORUS_BULLETIN_CALLBACK_TOKEN = "s3cret-token"
    bounced = _subscriber("bounce@example.org")
    url = "/api/bulletins/v1/delivery-status"
    assert client.post(url, {"to": bounced.email}, content_type="application/json").status_code == 401
    reply = client.post(
        url,
        {"to": bounced.email, "status": "permanent-failure"},
        content_type="application/json",
        headers={"Authorization": "Bearer s3cret-token"},
    )
    assert reply.json() == {"recorded": True, "subscribers_stopped": 1}
    bounced.refresh_from_db()
    assert bounced.status == Subscriber.Status.BOUNCED
    bad = client.post(
        url,
        {"email": "a@b.org", "event": "spam"},
        content_type="application/json",
        headers={"Authorization": "Bearer s3cret-token"},
    )
    assert bad.status_code == 400 and "bounce or complaint" in bad.json()["error"]


def test_a_trial_assigns_arms_in_proportion_and_reports_significance(
    officer, django_capture_on_commit_callbacks
) -> None:
    for i in range(400):
        _subscriber(f"t{i}@example.org")
    bulletin = BulletinFactory(
        title="Trial",
        subject="S",
        body="[Go](https://example.gov.uk)",
        is_trial=True,
        outcome=Bulletin.Outcome.CLICK,
    )
    ArmFactory(bulletin=bulletin, name="A", subject="Plain subject", weight=3)
    ArmFactory(bulletin=bulletin, name="B", subject="Urgent: have your say", weight=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletin_send(bulletin=bulletin, actor=officer)
    a = Delivery.objects.filter(bulletin=bulletin, arm__name="A")
    b = Delivery.objects.filter(bulletin=bulletin, arm__name="B")
    assert a.count() + b.count() == 400 and 250 <= a.count() <= 350
    assert {m.subject for m in mail.outbox} == {"Plain subject", "Urgent: have your say"}
    # B's readers click far more often.
    now = timezone.now()
    Delivery.objects.filter(pk__in=list(b.values_list("pk", flat=True))[: b.count() // 2]).update(
        clicked_at=now
    )
    Delivery.objects.filter(pk__in=list(a.values_list("pk", flat=True))[:10]).update(clicked_at=now)
    found = trials.result(bulletin)
    assert found.significant and "Version B did best" in found.summary
    rates = {arm.name: arm for arm in found.arms}
    assert rates["B"].low < rates["B"].rate < rates["B"].high
    # The pre-stated outcome cannot change after sending.
    bulletin.refresh_from_db()
    from chorus.bulletins.forms import BulletinForm

    form = BulletinForm(
        {"title": "Trial", "subject": "S", "body": "x", "outcome": "open", "is_trial": "on"},
        instance=bulletin,
        user=officer,
    )
    assert not form.is_valid()


def test_staff_compose_preview_and_see_the_reach(officer_client: Client) -> None:
    _subscriber("one@example.org")
    page = officer_client.post(
        reverse("bulletins:bulletin_preview"), {"title": "t", "subject": "s", "body": "**Hello** there"}
    )
    assert (
        "<strong>Hello</strong>" in page.content.decode() and "Reaches 1 subscriber" in page.content.decode()
    )
    page = officer_client.post(reverse("bulletins:bulletin_create"), {"title": "", "subject": "", "body": ""})
    assert "Enter a title, so colleagues can find the bulletin" in page.content.decode()
    reply = officer_client.post(
        reverse("bulletins:bulletin_create"), {"title": "Dec", "subject": "December", "body": "Hi"}
    )
    bulletin = Bulletin.objects.get()
    assert reply.status_code == 302
    detail = officer_client.get(
        reverse("bulletins:bulletin_detail", args=[bulletin.code]) + "?as=one@example.org"
    )
    assert "December" in detail.content.decode() and "Reaches" not in detail.content.decode()


def test_the_notify_backend_posts_each_email_with_a_signed_token(settings) -> None:
    import base64
    import hashlib
    import hmac
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from django.core.mail import EmailMessage

    from chorus.bulletins.notify import NotifyEmailBackend

    received: list[tuple[str, dict]] = []

    class Notify(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.headers["Authorization"], body))
            self.send_response(201)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Notify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    service, secret = "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000"
    settings.CHORUS_NOTIFY_API_KEY = f"chorus_live-{service}-{secret}"
    settings.CHORUS_NOTIFY_TEMPLATE_ID = "template-1"
    settings.CHORUS_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    try:
        message = EmailMessage(
            "Hello",
            "The body",
            "from@example.gov.uk",
            ["a@example.org"],
            headers={"X-Chorus-Delivery": "tok"},
        )
        assert NotifyEmailBackend().send_messages([message]) == 1
    finally:
        server.shutdown()
    authorization, body = received[0]
    assert body == {
        "email_address": "a@example.org",
        "template_id": "template-1",
        "personalisation": {"subject": "Hello", "body": "The body"},
        "reference": "tok",
    }
    header, claims, signature = authorization.removeprefix("Bearer ").split(".")
    expected = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    assert json.loads(base64.urlsafe_b64decode(claims + "=="))["iss"] == service


def test_a_scheduled_bulletin_goes_when_due_and_not_before(
    officer, django_capture_on_commit_callbacks
) -> None:
    _subscriber("s@example.org")
    bulletin = BulletinFactory()
    services.bulletin_send(bulletin=bulletin, actor=officer, send_at=timezone.now() + timedelta(hours=1))
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SCHEDULED and not bulletin.deliveries.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletins_resume()
    assert not mail.outbox
    Bulletin.objects.filter(pk=bulletin.pk).update(send_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletins_resume()
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SENT and [m.to for m in mail.outbox] == [["s@example.org"]]


def test_the_weekly_partner_digest_is_drafted_for_review_once(officer) -> None:
    from chorus.bulletins.jobs import partner_digest_draft

    partners = SubscriberListFactory(name="Partners", is_partner_digest=True)
    SubscriberListFactory(name="Staff")
    assert partner_digest_draft.call() == 1
    assert partner_digest_draft.call() == 0
    digest = Bulletin.objects.get()
    assert digest.kind == Bulletin.Kind.DIGEST and digest.status == Bulletin.Status.DRAFT
    assert list(digest.lists.all()) == [partners]
    assert "{{ events }}" in digest.body and not mail.outbox


def test_a_bot_filling_the_hidden_field_subscribes_no_one(client: Client) -> None:
    page = client.post(reverse("bulletins:subscribe"), {"email": "bot@example.org", "website": "http://spam"})
    assert page.status_code == 200 and not Subscriber.objects.exists() and not mail.outbox


def test_viewers_cannot_read_the_subscriber_list(client: Client, viewer) -> None:
    from tests.conftest import sign_in

    _subscriber("private@example.org")
    page = sign_in(client, viewer).get(reverse("bulletins:subscriber_list"))
    assert page.status_code == 403 and "private@example.org" not in page.content.decode()
