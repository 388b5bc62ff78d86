"""A bounded mixed load of Ballast's people, from threads (the load test and
docs/performance.md's throughput figures): clerks entering monthly reports (the month page,
then create and submit through the API), unit reviewers approving and city reviewers
accepting (their queues, then the step), leaders reading the cockpits.

Writes are made safe to repeat, as a careful client does: a creation carries an
``Idempotency-Key`` and is sent again with the same key when the answer was lost (502,
connection cut); a flow step (If-Match) that lost its answer is checked by reading the
report before it is sent again. Every acknowledged write is kept in ``Load.acknowledged``
for the test to find in the database afterwards.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Person:
    """One signed-in person: a session cookie (pages) and an API token (writes)."""

    name: str
    cookie: str
    token: str


@dataclass
class Sample:
    page: str
    status: int  # 0: the connection failed
    seconds: float
    started: float


@dataclass
class Load:
    host: str
    port: int
    samples: list[Sample] = field(default_factory=list)
    acknowledged: dict[str, dict] = field(default_factory=dict)  # "project:month" → state
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop_at: float = 0.0

    # --- one request ---------------------------------------------------------------------
    def request(
        self, person: Person, method: str, path: str, page: str, *, body=None, headers=None
    ):
        heads = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **(headers or {})}
        if path.startswith("/api/"):
            heads["Authorization"] = f"Bearer {person.token}"
            heads["Accept"] = "application/json"
        else:
            heads["Cookie"] = f"sessionid={person.cookie}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            heads["Content-Type"] = "application/json"
        started = time.monotonic()
        status, payload, reply = 0, b"", {}
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=data, headers=heads)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
            reply = {k.lower(): v for k, v in response.getheaders()}
        except (OSError, http.client.HTTPException):
            status = 0
        finally:
            conn.close()
        with self.lock:
            self.samples.append(Sample(page, status, time.monotonic() - started, started))
        return status, payload, reply

    def json(self, person, method, path, page, **kwargs):
        status, payload, reply = self.request(person, method, path, page, **kwargs)
        try:
            return status, json.loads(payload or b"null"), reply
        except ValueError:
            return status, None, reply

    def running(self) -> bool:
        return time.monotonic() < self.stop_at

    # --- the people ----------------------------------------------------------------------
    def clerk(self, person: Person, entries: list[tuple[int, str, str]]) -> None:
        """Enter and submit a report for each (project id, month, investment)."""
        for project, month, investment in entries:
            if not self.running():
                return
            self.request(person, "GET", "/reports/", "clerk: month page")
            key = f"load-{uuid.uuid4().hex}"
            report = None
            for _ in range(5):
                status, body, reply = self.json(
                    person,
                    "POST",
                    "/api/v1/reports/",
                    "clerk: create report",
                    body={"project": project, "month": month, "investment": investment},
                    headers={"Idempotency-Key": key},
                )
                if status == 201:
                    report = body
                    break
                time.sleep(0.2)  # lost answer: the same key again
            if report is None:
                continue
            self._ack(project, month, report["id"], "draft", investment)
            if self._step(person, report["id"], "submit", "draft", "clerk: submit"):
                self._ack(project, month, report["id"], "submitted", investment)

    def reviewer(
        self,
        person: Person,
        *,
        status: str,
        step: str,
        done: str,
        page: str,
        queue_page: str,
        until: Callable[[], bool],
    ) -> None:
        """Work through the queue: reports in ``status`` get ``step`` (→ ``done``)."""
        while self.running() and not until():
            self.request(person, "GET", queue_page, f"{page}: queue page")
            code, body, _ = self.json(
                person, "GET", f"/api/v1/reports/?status={status}&page_size=20", f"{page}: list"
            )
            rows = body.get("results", []) if code == 200 and body else []
            if not rows:
                time.sleep(0.3)
                continue
            for row in rows:
                if not self.running():
                    return
                if self._step(person, row["id"], step, status, f"{page}: {step}", row["version"]):
                    self._ack_status(row["id"], done)

    def leader(self, person: Person, paths: list[str]) -> None:
        while self.running():
            for path in paths:
                self.request(person, "GET", path, f"leader: {path}")

    # --- helpers -------------------------------------------------------------------------
    def _step(self, person, report_id, step, before, page, version=None) -> bool:
        """POST the flow step with If-Match; when the answer was lost, read the report: if
        it moved on the step was made, else try again with its current version."""
        for _ in range(5):
            if version is None:
                code, body, _ = self.json(
                    person, "GET", f"/api/v1/reports/{report_id}/", f"{page} (read)"
                )
                if code != 200:
                    time.sleep(0.2)
                    continue
                if body["status"] != before:
                    return False  # someone else moved it (another reviewer)
                version = body["version"]
            code, _, _ = self.json(
                person,
                "POST",
                f"/api/v1/reports/{report_id}/{step}/",
                page,
                headers={"If-Match": f'"{version}"'},
            )
            if code == 200:
                return True
            if code in (409, 412, 404):
                return False  # taken by another reviewer meanwhile
            version = None
            time.sleep(0.2)
        return False

    def _ack(self, project, month, report_id, state, investment):
        with self.lock:
            self.acknowledged[f"{project}:{month}"] = {
                "id": report_id,
                "status": state,
                "investment": investment,
            }

    def _ack_status(self, report_id, state):
        with self.lock:
            for entry in self.acknowledged.values():
                if entry["id"] == report_id:
                    entry["status"] = state

    # --- figures -------------------------------------------------------------------------
    def summary(self, *, since: float | None = None) -> dict:
        samples = [s for s in self.samples if since is None or s.started >= since]
        by_page = defaultdict(list)
        for sample in samples:
            by_page[sample.page].append(sample)
        span = (
            (max(s.started + s.seconds for s in samples) - min(s.started for s in samples))
            if samples
            else 0
        )
        return {
            "requests": len(samples),
            "seconds": round(span, 1),
            "rps": round(len(samples) / span, 1) if span else 0,
            "errors": sum(1 for s in samples if s.status == 0 or s.status >= 500),
            "pages": {page: _percentiles(rows) for page, rows in sorted(by_page.items())},
        }


def _percentiles(rows: list[Sample]) -> dict:
    times = sorted(s.seconds * 1000 for s in rows)

    def at(q: float) -> float:
        return round(times[min(len(times) - 1, int(q * len(times)))], 0)

    return {
        "n": len(rows),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "mean_ms": round(statistics.fmean(times), 0),
        "errors": sum(1 for s in rows if s.status == 0 or s.status >= 500),
    }
