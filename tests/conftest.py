from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.accounts.models import Role, Team, User
from tests.factories import TeamFactory, UserFactory

PASSWORD = "correct-horse-battery-staple"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Show what the crawl (tests/browser/test_crawl.py) visited even when it passes, so a
    reader of the CI log sees what it covered. Here, not beside the crawl, because under
    xdist only this conftest is loaded where the summary is written."""
    for report in terminalreporter.stats.get("passed", []):
        for title, content in getattr(report, "sections", []):
            if "crawl coverage" in title:
                terminalreporter.write_sep("=", "crawl coverage")
                terminalreporter.write_line(content)


@pytest.fixture(autouse=True)
def seeded_stages(request: pytest.FixtureRequest) -> None:
    """A migration seeds the project stages. A transactional browser test flushes them, and
    later tests in the same worker would find none, so each database test puts them back
    when they are missing (inside its own transaction)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction") or (marker.args and marker.args[0]):
        return
    request.getfixturevalue("db")
    from chorus.engagement.models import stages_ensure

    stages_ensure()


@pytest.fixture(autouse=True)
def english_to_start_with():
    """A request under /cy/ leaves Welsh active in the thread, and reverse() would then
    give Welsh addresses to the next test. Every test starts in English."""
    translation.activate("en")
    yield
    translation.deactivate()


def sign_in(client: Client, user: User) -> Client:
    """Sign ``user`` in, past two-factor authentication where their role needs it."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if user.role == Role.ADMINISTRATOR:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def team(db: None) -> Team:
    return TeamFactory(name="Family justice")


@pytest.fixture
def other_team(db: None) -> Team:
    return TeamFactory(name="Crime")


@pytest.fixture
def admin(db: None) -> User:
    return UserFactory(role=Role.ADMINISTRATOR, email="admin@example.gov.uk", full_name="Ada Admin")


@pytest.fixture
def officer(team: Team) -> User:
    return UserFactory(role=Role.ENGAGEMENT_OFFICER, email="officer@example.gov.uk", teams=[team])


@pytest.fixture
def viewer(team: Team) -> User:
    return UserFactory(role=Role.VIEWER, email="viewer@example.gov.uk", teams=[team])


@pytest.fixture
def outsider(other_team: Team) -> User:
    return UserFactory(role=Role.ENGAGEMENT_OFFICER, email="outsider@example.gov.uk", teams=[other_team])


@pytest.fixture
def admin_client(client: Client, admin: User) -> Client:
    return sign_in(client, admin)


@pytest.fixture
def officer_client(client: Client, officer: User) -> Client:
    return sign_in(client, officer)
