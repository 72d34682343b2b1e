"""Real servers on 127.0.0.1 standing in for the SMS gateways: they record what arrives and answer as told."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from tests.factories import at

DAYTIME = at(2026, 5, 4, 8)  # 11:30 in Tehran, 12:00 in Yerevan: outside the quiet hours


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)

    def form(self) -> dict:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class GatewayServer:
    """Answers each POST with the next of ``answers`` (status, body), then with ``default``."""

    answers: list = field(default_factory=list)
    default: tuple = (200, "{}")
    received: list[Received] = field(default_factory=list)
    accepted: list[Received] = field(default_factory=list)
    url: str = ""
    delay: float = 0.0  # seconds before answering: lets parallel senders overlap

    def handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                got = Received(urlsplit(self.path).path, dict(self.headers), body)
                server.received.append(got)
                time.sleep(server.delay)
                status, text = server.answers.pop(0) if server.answers else server.default
                if 200 <= status < 300:
                    server.accepted.append(got)
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args):
                pass

        return Handler


@pytest.fixture
def gateway_server():
    state = GatewayServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), state.handler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def generic(app, monkeypatch, gateway_server):
    gateway_server.url += "/messages"
    for key, value in {"SMS_GATEWAY": "generic", "SMS_GATEWAY_URL": gateway_server.url,
                       "SMS_GATEWAY_TOKEN": "tok-123", "SMS_INBOUND_SECRET": "s3cret"}.items():
        monkeypatch.setitem(app.config, key, value)
    return gateway_server


@pytest.fixture
def daytime():
    with time_machine.travel(DAYTIME, tick=False) as traveller:
        yield traveller
from tests.payouts.conftest import payouts  # noqa: F401,E402 - approved claims for the event tests
