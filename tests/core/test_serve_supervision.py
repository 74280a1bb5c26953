"""`chorus serve` in local mode: a worker or scheduler that stops is started again."""

from __future__ import annotations

import signal
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management.base import CommandError

from chorus.core.management.commands import serve


def test_a_stopped_worker_is_started_again_until_it_keeps_stopping(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(serve, "RESTARTS", 2)
    starts = tmp_path / "starts"
    web = [sys.executable, "-c", "import time; time.sleep(60)"]
    worker = [sys.executable, "-c", f"open({str(starts)!r}, 'a').write('x')", "worker"]
    command = serve.Command(stdout=StringIO(), stderr=StringIO())
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # keep pytest's own handlers
    children = [subprocess.Popen(c) for c in (web, worker)]  # noqa: S603  (fixed arguments)
    with pytest.raises(CommandError, match="keeps stopping"):
        command._supervise(children, [web, worker])
    assert starts.read_text() == "xxx"  # the first start and two more
    assert children[0].poll() is not None  # the web server was stopped with it
    assert "starting it again" in command.stderr.getvalue()
