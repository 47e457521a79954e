"""The coordinators of ``make loadtest`` (bench/loadtest.py starts locust with this file).

Each simulated user is a coordinator of the benchmark institution, already signed in (a session made
by demo/load.py, so that 100 password hashes do not dominate the measurement), who mostly reads the
main pages at their heaviest, calls the API now and then, and writes: contact moments on
relationships and internal notes on organisations, through the same forms a person uses. Between two
actions a person reads what is on the screen (1 to 5 seconds).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
from functools import cache
from typing import Any

from locust import HttpUser, between, events, task

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_sessions = itertools.count()


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    parser.add_argument("--plan", default="", help="The JSON plan written by demo.load.prepare")


@cache
def plan(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class Coordinator(HttpUser):
    wait_time = between(1, 5)

    def on_start(self) -> None:
        self.plan = plan(self.environment.parsed_options.plan)
        sessions = self.plan["sessions"]
        self.client.cookies.set("sessionid", sessions[next(_sessions) % len(sessions)])
        self.client.headers["Accept-Language"] = "nl"

    @task(12)
    def read_a_page(self) -> None:
        name, path = random.choice(self.plan["pages"])
        self._expect(self.client.get(path, name=name, allow_redirects=False, catch_response=True), 200)

    @task(4)
    def call_the_api(self) -> None:
        name, path = random.choice(self.plan["api"])
        headers = {"Authorization": f"Bearer {self.plan['token']}"}
        self._expect(self.client.get(path, name=name, headers=headers, catch_response=True), 200)

    @task(2)
    def log_a_contact_moment(self) -> None:
        relationship = random.choice(self.plan["relationships"])
        token = self._token(f"/relationships/{relationship}/", "Relationship detail (to log a contact)")
        if token is None:
            return
        data = {
            "csrfmiddlewaretoken": token,
            "occurred_on": dt.datetime.now(dt.UTC).date().isoformat(),
            "channel": random.choice(["meeting", "phone", "email", "visit"]),
            "mode": "direct",
            "initiated_by": random.choice(["ours", "theirs", "both"]),
            "decision": "",
            "summary": "Belastingstest: kort overleg over de planning van het volgende semester.",
        }
        response = self.client.post(
            f"/relationships/{relationship}/contact/",
            data=data,
            name="Log a contact moment (POST)",
            allow_redirects=False,
            catch_response=True,
        )
        self._expect(response, 302)

    @task(1)
    def write_a_note(self) -> None:
        organisation = random.choice(self.plan["organisations"])
        token = self._token(f"/organisations/{organisation}/", "Organisation detail (to write a note)")
        if token is None:
            return
        response = self.client.post(
            f"/organisations/{organisation}/notes/",
            data={"csrfmiddlewaretoken": token, "text": "Belastingstest: interne notitie na een telefoontje."},
            name="Write an internal note (POST)",
            allow_redirects=False,
            catch_response=True,
        )
        self._expect(response, 302)

    def _token(self, path: str, name: str) -> str | None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            found = TOKEN.search(response.text or "") if response.status_code == 200 else None
            if found is None:
                response.failure(
                    f"HTTP {response.status_code}, no form" if response.status_code else str(response.error)
                )
                return None
            response.success()
            return found.group(1)

    @staticmethod
    def _expect(response: Any, status: int) -> None:
        with response:
            if response.status_code == status:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}" if response.status_code else str(response.error))
