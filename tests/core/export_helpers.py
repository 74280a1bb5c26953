"""Following an export as a person does: ask, see it prepared, download it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.http import HttpResponseBase
from django.test import Client, TestCase

DOWNLOAD_LINK = re.compile(r'href="([^"]*/staff/downloads/[0-9a-f-]+/file/)"')
EXPORT_PAGE = re.compile(r"(/cy)?/staff/downloads/[0-9a-f-]+/")


def is_export_redirect(response: HttpResponseBase) -> bool:
    """Whether ``response`` sends the person to the page of an export they asked for."""
    return response.status_code == 302 and bool(EXPORT_PAGE.fullmatch(urlsplit(response["Location"]).path))


def asked(client: Client, url: str) -> HttpResponseBase:
    """GET ``url``; if it asks for an export, run the task it queued (tests run tasks at
    once, but only once the request's transaction commits, which the test's never does)."""
    with TestCase.captureOnCommitCallbacks() as callbacks:
        response = client.get(url)
    if is_export_redirect(response):
        for callback in callbacks:
            callback()
    return response


def exported(client: Client, url: str) -> HttpResponseBase:
    """What a person gets from an export link: the request leads to the page that prepares
    the file, which then offers it; the file's response is returned. A response that is not
    an export (a 404, a page) is returned as it is."""
    response = asked(client, url)
    if not is_export_redirect(response):
        return response
    page = client.get(response["Location"])
    assert page.status_code == 200, page
    link = DOWNLOAD_LINK.search(page.content.decode())
    assert link, "the page offers no file"
    return client.get(link.group(1))


def exported_bytes(client: Client, url: str) -> bytes:
    response = exported(client, url)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
