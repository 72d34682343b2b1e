"""A concurrent workload against a running service: clerks filing (with retried Idempotency-Keys), readers,
managers approving, batching and confirming payments at the same time. Used by the load test (short) and
by ``python bench/load.py`` (long, with figures)."""

from __future__ import annotations

import random
import statistics
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import requests


@dataclass
class Plan:
    base: str
    headers: dict[str, dict]  # role name -> Authorization header (clerk, manager, manager2, auditor)
    owner_ids: list[int]
    programme_id: int
    verified_ids: list[int]
    incident_at: str
    seconds: float = 10.0
    filers: int = 4
    readers: int = 3
    approvers: int = 2
    payers: int = 2


@dataclass
class Result:
    statuses: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    filed: dict[str, str] = field(default_factory=dict)  # Idempotency-Key -> claim number of its 201
    replays: list[tuple[str, str]] = field(default_factory=list)  # (key, number) answered 200 to a retry
    server_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, op: str, response: requests.Response, started: float) -> None:
        with self.lock:
            self.statuses[op].append(response.status_code)
            self.latencies[op].append(time.perf_counter() - started)
            if response.status_code >= 500:
                self.server_errors.append(f"{op} {response.status_code} {response.text[:300]}")

    def summary(self) -> list[dict]:
        rows = []
        for op, codes in sorted(self.statuses.items()):
            lat = sorted(self.latencies[op])
            rows.append({"operation": op, "requests": len(codes), "by_status": dict(sorted(_count(codes).items())),
                         "p50_ms": round(statistics.median(lat) * 1000, 1),
                         "p95_ms": round(lat[int(len(lat) * 0.95) - 1] * 1000, 1) if len(lat) > 1 else None})
        return rows


def _count(codes):
    out: dict[int, int] = defaultdict(int)
    for c in codes:
        out[c] += 1
    return out


def _call(session, result, op, method, url, **kw):
    started = time.perf_counter()
    response = session.request(method, url, timeout=60, **kw)
    result.note(op, response, started)
    return response


def _filer(plan: Plan, result: Result, stop: float) -> None:
    with requests.Session() as s:
        s.headers.update(plan.headers["clerk"])
        while time.monotonic() < stop:
            key = uuid.uuid4().hex
            body = {"owner_id": random.choice(plan.owner_ids), "programme_id": plan.programme_id,
                    "incident_at": plan.incident_at, "incident_village": "Load test", "time_of_day": "night",
                    "lines": [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 1}]}
            tries = 2 if random.random() < 0.25 else 1  # a quarter are retried, as a flaky phone network would
            for _ in range(tries):
                r = _call(s, result, "file claim", "POST", f"{plan.base}/api/v1/claims", json=body,
                          headers={"Idempotency-Key": key})
                with result.lock:
                    if r.status_code == 201:
                        result.filed[key] = r.json()["number"]
                    elif r.status_code == 200:
                        result.replays.append((key, r.json()["number"]))


def _reader(plan: Plan, result: Result, stop: float) -> None:
    with requests.Session() as s:
        s.headers.update(plan.headers["auditor"])
        while time.monotonic() < stop:
            _call(s, result, "list claims", "GET", f"{plan.base}/api/v1/claims",
                  params={"per_page": 20, "page": random.randint(1, 3)})
            _call(s, result, "read claim", "GET", f"{plan.base}/api/v1/claims/{random.choice(plan.verified_ids)}")


def _approver(plan: Plan, result: Result, stop: float, role: str) -> None:
    with requests.Session() as s:
        s.headers.update(plan.headers[role])
        ids = list(plan.verified_ids)
        random.shuffle(ids)
        for claim_id in ids:
            if time.monotonic() >= stop:
                return
            _call(s, result, "approve", "POST", f"{plan.base}/api/v1/claims/{claim_id}/approve", json={"note": "load"})


def _payer(plan: Plan, result: Result, stop: float, role: str, other: str) -> None:
    with requests.Session() as s:
        s.headers.update(plan.headers[role])
        while time.monotonic() < stop:
            r = _call(s, result, "build batch", "POST", f"{plan.base}/api/v1/payment-batches",
                      json={"programme_id": plan.programme_id})
            if r.status_code != 201:
                time.sleep(0.2)
                continue
            batch = r.json()
            _call(s, result, "approve batch", "POST", f"{plan.base}/api/v1/payment-batches/{batch['id']}/approve",
                  headers=plan.headers[other])
            detail = _call(s, result, "read batch", "GET", f"{plan.base}/api/v1/payment-batches/{batch['id']}")
            paid_at = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
            for payment in detail.json().get("payments", []):
                for who in (role, other):  # both managers confirm: only one may count
                    _call(s, result, "confirm payment", "POST",
                          f"{plan.base}/api/v1/payments/{payment['id']}/confirm",
                          json={"reference": f"BANK-{payment['id']}", "paid_at": paid_at}, headers=plan.headers[who])


def run(plan: Plan) -> Result:
    result = Result()
    stop = time.monotonic() + plan.seconds
    threads = [threading.Thread(target=_filer, args=(plan, result, stop)) for _ in range(plan.filers)]
    threads += [threading.Thread(target=_reader, args=(plan, result, stop)) for _ in range(plan.readers)]
    threads += [threading.Thread(target=_approver, args=(plan, result, stop, role))
                for role in ("manager", "manager2")[:plan.approvers]]
    threads += [threading.Thread(target=_payer, args=(plan, result, stop, a, b))
                for a, b in (("manager", "manager2"), ("manager2", "manager"))[:plan.payers]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result
