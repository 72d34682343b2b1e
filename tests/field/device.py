"""A stand-in for ODK Collect's HTTP client, replaying the exchange it makes (OkHttp with okhttp-digest):

every request first goes out without credentials; a 401 with a ``WWW-Authenticate: Digest`` challenge is answered by
repeating the request with an ``Authorization: Digest`` header (MD5, qop=auth, a fresh cnonce, nc counting up), and
the challenge is cached so later requests authenticate up front. Every request carries the headers Collect adds
(``User-Agent``, ``X-OpenRosa-Version: 1.0``, ``Date``), and OkHttp's ``Accept-Encoding: gzip``, whose answers it
unpacks before Collect sees them (so the form list's MD5 hashes are of the unpacked bytes). Submissions are
multipart/form-data with the instance as ``xml_submission_file`` (text/xml) and each photo as a part named by its
file name; a submission larger than the server's ``X-OpenRosa-Accept-Content-Length`` is split into several POSTs
that all carry the XML, every POST but the last with a ``*isIncomplete*`` part.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from email.utils import formatdate

from werkzeug.datastructures import FileStorage, WWWAuthenticate
from werkzeug.test import encode_multipart

USER_AGENT = "Dalvik/2.1.0 (Linux; U; Android 13; SM-A145R Build/TP1A.220624.014) org.odk.collect.android/v2024.2.4"


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


@dataclass
class Device:
    client: object
    username: str
    password: str
    challenge: dict | None = None
    nc: int = 0
    log: list = field(default_factory=list)

    def headers(self) -> dict:
        return {"User-Agent": USER_AGENT, "X-OpenRosa-Version": "1.0", "Date": formatdate(usegmt=True),
                "Accept-Encoding": "gzip"}

    def _authorization(self, method: str, uri: str) -> str:
        c = self.challenge
        self.nc += 1
        nc, cnonce = f"{self.nc:08x}", secrets.token_hex(16)
        ha1 = md5(f"{self.username}:{c['realm']}:{self.password}")
        ha2 = md5(f"{method}:{uri}")
        response = md5(f"{ha1}:{c['nonce']}:{nc}:{cnonce}:auth:{ha2}")
        parts = [f'username="{self.username}"', f'realm="{c["realm"]}"', f'nonce="{c["nonce"]}"', f'uri="{uri}"',
                 f'response="{response}"', "qop=auth", f"nc={nc}", f'cnonce="{cnonce}"', "algorithm=MD5"]
        if c.get("opaque"):
            parts.append(f'opaque="{c["opaque"]}"')
        return "Digest " + ", ".join(parts)

    def request(self, method: str, uri: str, *, body: bytes | None = None, content_type: str | None = None,
                extra: dict | None = None):
        """One call as Collect makes it: up front with a cached challenge, else answer the 401 once."""
        for attempt in range(2):
            headers = {**self.headers(), **(extra or {})}
            if self.challenge is not None:
                headers["Authorization"] = self._authorization(method, uri)
            kwargs = {"headers": headers}
            if body is not None:
                kwargs.update(data=body, content_type=content_type)
            response = self.client.open(uri, method=method, **kwargs)
            if response.headers.get("Content-Encoding") == "gzip":  # OkHttp asks for gzip and unpacks it itself
                response.set_data(gzip.decompress(response.get_data()))
                del response.headers["Content-Encoding"]
            self.log.append((method, uri, response.status_code))
            if response.status_code != 401 or attempt == 1:
                return response
            self.challenge = parse_challenge(response)
            self.nc = 0
        return response

    def submit(self, xml: bytes, photos: list[tuple[str, bytes]], *, max_size: int | None = None) -> list:
        """Send an instance and its photos: HEAD first (for the size limit), then one POST per batch."""
        head = self.request("HEAD", "/openrosa/submission")
        limit = max_size or int(head.headers["X-OpenRosa-Accept-Content-Length"])
        batches, current, size = [], [], len(xml)
        for name, data in photos:
            if current and size + len(data) > limit:
                batches.append(current)
                current, size = [], len(xml)
            current.append((name, data))
            size += len(data)
        batches.append(current)
        answers = []
        for i, batch in enumerate(batches):
            answers.append(self.post(xml, batch, incomplete=i < len(batches) - 1))
            if answers[-1].status_code not in (201, 202):
                break
        return answers

    def post(self, xml: bytes, photos, *, incomplete: bool = False, xml_name: str = "site_visit_2026.xml"):
        fields = {"xml_submission_file": FileStorage(io.BytesIO(xml), filename=xml_name, content_type="text/xml")}
        for name, data in photos:
            fields[name] = FileStorage(io.BytesIO(data), filename=name, content_type="image/jpeg")
        if incomplete:
            fields["*isIncomplete*"] = "yes"
        boundary, body = encode_multipart(fields)
        return self.request("POST", "/openrosa/submission", body=body,
                            content_type=f"multipart/form-data; boundary={boundary}")


def parse_challenge(response) -> dict:
    for value in response.headers.getlist("WWW-Authenticate"):
        parsed = WWWAuthenticate.from_header(value)
        if parsed is not None and parsed.type == "digest":
            return dict(parsed.parameters)
    raise AssertionError(f"no Digest challenge in {response.headers}")


def instance_xml(claim_number: str, *, instance_id: str | None = None, version: str = "test", photos=(),
                 outcome: str = "confirmed", predator: str = "leopard", visited_at: str | None = None,
                 lines=(("sheep", "adult", "killed", 2),), extra: str = "", checklist="has_carcass has_neck_bites",
                 rejection_reason: str = "", carcass: str = "buried", confidence: str = "probable",
                 notes: str = "Throat bites; drag marks.") -> bytes:
    """A filled site-visit instance as ODK Collect writes it (empty elements for unanswered questions)."""
    from conflict_service.timeutil import utcnow

    visited = visited_at or utcnow().astimezone().isoformat(timespec="milliseconds")
    photo_xml = "".join(f"<photos><photo>{name}</photo><photo_location>37.4513 59.1211 1204.0 4.9</photo_location>"
                        f"</photos>" for name in photos)
    lines_xml = "".join(f"<lines><species>{s}</species><age_class>{a}</age_class><loss_outcome>{o}</loss_outcome>"
                        f"<count>{c}</count></lines>" for s, a, o, c in lines)
    return (f"<?xml version='1.0' ?><site_visit id=\"site_visit\" version=\"{version}\" "
            f"xmlns:jr=\"http://openrosa.org/javarosa\" xmlns:orx=\"http://openrosa.org/xforms\">"
            f"<start>2026-11-20T09:02:11.123+03:30</start><end>2026-11-20T09:41:56.004+03:30</end>"
            f"<deviceid>collect:Xc2TqY6iH0qPLn8Z</deviceid><claim>{claim_number}</claim>"
            f"<claimed_losses>2 × Sheep</claimed_losses><claimed_note/><visited_at>{visited}</visited_at>"
            f"<visit_location>37.4512 59.1209 1201.5 3.8</visit_location><checklist>{checklist}</checklist>"
            f"<canine_spacing_mm>42</canine_spacing_mm>{photo_xml}<predator>{predator}</predator>"
            f"<confidence>{confidence}</confidence>{lines_xml}<circumstances><time_of_day/><is_in_corral>false"
            f"</is_in_corral><is_herder_present/><is_guard_dog_present/></circumstances>"
            f"<carcass_disposal>{carcass}</carcass_disposal><outcome>{outcome}</outcome>"
            f"<rejection_reason>{rejection_reason}</rejection_reason><notes>{notes}</notes>{extra}"
            f"<meta><instanceID>{instance_id or 'uuid:' + secrets.token_hex(16)}</instanceID>"
            f"<instanceName>{claim_number}</instanceName></meta></site_visit>").encode()
