from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chorus.accounts.models import User
from chorus.webhooks.models import Endpoint
from chorus.webhooks.services import endpoint_create


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An HTTP server on loopback that answers every POST with ``status`` and keeps what came."""

    url: str
    status: int = 200
    got: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            box["r"].got.append(Received(headers=dict(self.headers.items()), body=body))
            self.send_response(box["r"].status)
            if 300 <= box["r"].status < 400:
                self.send_header("Location", box["r"].url + "elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["r"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook/")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["r"]
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint_with_secret(admin: User, receiver: Receiver) -> tuple[Endpoint, str]:
    return endpoint_create(
        actor=admin,
        request=None,
        name="Digital team",
        url=receiver.url,
        events=[
            "response_submitted",
            "help_requested",
            "emerging_issue_flagged",
            "idea_posted",
            "idea_answered",
            "subscriber_joined",
            "subscriber_left",
            "import_finished",
            "commitment_overdue",
        ],
        format="json",
    )


@pytest.fixture
def endpoint(endpoint_with_secret: tuple[Endpoint, str]) -> Endpoint:
    return endpoint_with_secret[0]
