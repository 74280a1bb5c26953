from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chorus.accounts.models import Team, User
from chorus.api.models import ApiToken, Area, Level, scope_name
from chorus.api.services import token_issue

Issue = Callable[..., str]


def every_scope(level: str = Level.WRITE) -> list[str]:
    return [scope_name(area, level) for area in Area]


@pytest.fixture
def issue(admin: User) -> Issue:
    """Issue a token (by default: every scope, every team, for a month); its secret."""

    def make(
        scopes: Iterable[str] | None = None,
        teams: Iterable[Team] = (),
        expires_in: timedelta = timedelta(days=30),
        by: User | None = None,
        name: str = "Data platform",
    ) -> str:
        _token, secret = token_issue(
            actor=by or admin,
            request=None,
            name=name,
            scopes=every_scope() if scopes is None else scopes,
            expires_at=timezone.now() + expires_in,
            teams=teams,
        )
        return secret

    return make


class Api:
    """A client that sends a token with every call."""

    def __init__(self, secret: str) -> None:
        self.client = Client(raise_request_exception=True)
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(f"/api/v1{path}", query, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api(issue: Issue) -> Api:
    return Api(issue())


def token_named(name: str) -> ApiToken:
    return ApiToken.objects.get(name=name)
