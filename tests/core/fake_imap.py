"""A small IMAP4rev1 server over TLS on loopback, enough for the mailbox reader: LOGIN,
SELECT, UID SEARCH UNSEEN, UID FETCH BODY.PEEK[], UID STORE, UID COPY, UID MOVE, EXPUNGE.
It speaks the protocol to imaplib for real, so the reader is tested as it talks to a mail
server, not against a mock of imaplib."""

from __future__ import annotations

import re
import socket
import socketserver
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (the reader trusts it through
    CHORUS_<NAME>_IMAP_CA_FILE, as it would a private CA)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@dataclass
class Stored:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class Mailbox:
    user: str = "cases@chorus.test"
    password: str = 'se"cret pass'
    can_move: bool = True
    folders: dict[str, list[Stored]] = field(default_factory=lambda: {"INBOX": [], "Done": []})
    next_uid: int = 1
    commands: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def deliver(self, raw: bytes, folder: str = "INBOX") -> int:
        with self.lock:
            uid = self.next_uid
            self.next_uid += 1
            self.folders[folder].append(Stored(uid, raw))
            return uid


_ARG = re.compile(r'"((?:[^"\\]|\\.)*)"|(\([^)]*\))|(\S+)')


def _args(text: str) -> list[str]:
    found = []
    for quoted, group, bare in _ARG.findall(text):
        if group:
            found.append(group)
        elif bare:
            found.append(bare)
        else:
            found.append(re.sub(r"\\(.)", r"\1", quoted))
    return found


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def send(self, line: str | bytes) -> None:
        self.wfile.write(line if isinstance(line, bytes) else line.encode())

    def handle(self) -> None:
        box = self.server.mailbox
        selected: str | None = None
        self.send("* OK fake IMAP ready\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _, text = rest.partition(" ")
            command = command.upper()
            args = _args(text)
            with box.lock:
                box.commands.append(f"{command} {text}".strip())
                if command == "CAPABILITY":
                    self.send(f"* CAPABILITY IMAP4rev1{' MOVE' if box.can_move else ''}\r\n")
                    self.send(f"{tag} OK CAPABILITY done\r\n")
                elif command == "LOGIN":
                    if args == [box.user, box.password]:
                        self.send(f"{tag} OK signed in\r\n")
                    else:
                        self.send(f"{tag} NO [AUTHENTICATIONFAILED] wrong password\r\n")
                elif command == "SELECT":
                    selected = args[0]
                    if selected not in box.folders:
                        self.send(f"{tag} NO no such folder\r\n")
                        selected = None
                        continue
                    self.send(f"* {len(box.folders[selected])} EXISTS\r\n* 0 RECENT\r\n")
                    self.send("* FLAGS (\\Seen \\Flagged \\Deleted)\r\n")
                    self.send(f"{tag} OK [READ-WRITE] SELECT done\r\n")
                elif command == "UID" and selected is not None:
                    self._uid(tag, box, selected, args)
                elif command == "EXPUNGE" and selected is not None:
                    box.folders[selected] = [m for m in box.folders[selected] if "\\Deleted" not in m.flags]
                    self.send(f"{tag} OK EXPUNGE done\r\n")
                elif command == "NOOP":
                    self.send(f"{tag} OK NOOP done\r\n")
                elif command == "LOGOUT":
                    self.send(f"* BYE\r\n{tag} OK LOGOUT done\r\n")
                    return
                else:
                    self.send(f"{tag} BAD unknown command\r\n")

    def _uid(self, tag: str, box: Mailbox, selected: str, args: list[str]) -> None:
        sub = args[0].upper()
        messages = box.folders[selected]
        if sub == "SEARCH":
            unseen = [str(m.uid) for m in messages if "\\Seen" not in m.flags]
            self.send(f"* SEARCH {' '.join(unseen)}\r\n".replace(" \r\n", "\r\n"))
            self.send(f"{tag} OK SEARCH done\r\n")
            return
        found = [(n, m) for n, m in enumerate(messages, 1) if str(m.uid) == args[1]]
        if not found:
            self.send(f"{tag} OK nothing\r\n")
            return
        number, message = found[0]
        if sub == "FETCH":
            self.send(f"* {number} FETCH (UID {message.uid} BODY[] {{{len(message.raw)}}}\r\n".encode())
            self.send(message.raw + b")\r\n")
            self.send(f"{tag} OK FETCH done\r\n")
        elif sub == "STORE":
            flags = set(args[3].strip("()").split())
            message.flags |= flags
            self.send(f"* {number} FETCH (UID {message.uid} FLAGS ({' '.join(sorted(message.flags))}))\r\n")
            self.send(f"{tag} OK STORE done\r\n")
        elif sub in ("COPY", "MOVE") and (sub == "COPY" or box.can_move):
            target = args[2]
            box.folders[target].append(Stored(box.next_uid, message.raw, set(message.flags)))
            box.next_uid += 1
            if sub == "MOVE":
                messages.remove(message)
            self.send(f"{tag} OK {sub} done\r\n")
        else:
            self.send(f"{tag} BAD unknown UID command\r\n")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox, context: ssl.SSLContext) -> None:
        self.mailbox = mailbox
        self.context = context
        super().__init__(("127.0.0.1", 0), _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        return self.context.wrap_socket(sock, server_side=True), address


class FakeImapServer:
    def __init__(self, cert: Path, key: Path, mailbox: Mailbox | None = None) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.mailbox = mailbox or Mailbox()
        self.server = _Server(self.mailbox, context)
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeImapServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
