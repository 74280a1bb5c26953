"""Browsers ask for /favicon.ico on their own: it leads to Chorus's icon, not a 404."""

from __future__ import annotations

from django.templatetags.static import static
from django.test import Client


def test_favicon_ico_leads_to_the_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static("chorus/favicon.svg")
