"""Agency staff at the deadline: log in, then save scores and open pages (locust, headless).

Run by bench.measure_web.measure_load with a plan file (BENCH_LOAD_PLAN: users, password,
assessment ids, leaves, field codes). The logins (one password hash each, deliberately slow)
happen first; when every user has logged in the statistics are reset and the measured phase
runs for `seconds`, then locust stops itself. Login figures go to BENCH_LOAD_SIDE.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import statistics
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text())
SIDE = Path(os.environ.get("BENCH_LOAD_SIDE", "bench-load-side.json"))
_user_numbers = itertools.count()
_state = {"logins_done": 0, "login_ms": [], "login_failures": 0, "measuring": False}


def _start_measuring(environment) -> None:
    """All users are in: forget the login phase, measure `seconds`, then stop."""
    _state["measuring"] = True
    environment.runner.stats.reset_all()
    times = _state["login_ms"]
    SIDE.write_text(
        json.dumps(
            {
                "measured": True,
                "logins": len(times),
                "login_failures": _state["login_failures"],
                "login_p50_ms": round(statistics.median(times), 1) if times else None,
                "login_max_ms": round(max(times), 1) if times else None,
            }
        )
    )

    def stop_later():
        gevent.sleep(PLAN["seconds"])
        environment.runner.quit()

    gevent.spawn(stop_later)


@events.request.add_listener
def _on_request(name, response_time, exception, **_kwargs):
    if name == "login" and not _state["measuring"]:
        _state["login_ms"].append(response_time)
        if exception is not None:
            _state["login_failures"] += 1


class AgencyStaff(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        mine = PLAN["users"][next(_user_numbers) % len(PLAN["users"])]
        self.assessment_id = mine["assessment_id"]
        try:
            self.client.get("/dang-nhap/", name="login page")
            self._plain_http_cookies()
            with self.client.post(
                "/dang-nhap/",
                data={
                    "username": mine["username"],
                    "password": PLAN["password"],
                    "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
                },
                name="login",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302 or "sessionid" not in self.client.cookies:
                    response.failure(f"login refused: HTTP {response.status_code}")
            self._plain_http_cookies()
        finally:
            _state["logins_done"] += 1
            if _state["logins_done"] == len(PLAN["users"]):
                _start_measuring(self.environment)

    def _plain_http_cookies(self) -> None:
        """The server runs production settings (Secure cookies) over plain http on 127.0.0.1,
        where a browser would use https: send them back here as it would there."""
        for cookie in self.client.cookies:
            cookie.secure = False

    @task(4)
    def save_score(self):
        leaf = random.choice(PLAN["leaves"])
        with self.client.post(
            f"/ho-so/{self.assessment_id}/tieu-chi/{leaf}/luu/",
            data={
                "action": "save",
                "value": random.choice(["0.25", "0.5", "0.75", "1"]),
                "explanation": "Đã triển khai theo kế hoạch, có văn bản kèm theo.",
            },
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "HX-Request": "true"},
            name="save score",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or 'data-error="1"' in response.text:
                error = response.text.split('role="alert">', 1)[-1].split("<", 1)[0]
                response.failure(f"not saved: HTTP {response.status_code} {error[:100]}")
        self._plain_http_cookies()

    @task(3)
    def field_form(self):
        field = random.choice(PLAN["fields"])
        self._page(f"/ho-so/{self.assessment_id}/linh-vuc/{field}/", "field form")

    @task(2)
    def workspace(self):
        self._page(f"/ho-so/{self.assessment_id}/", "workspace")

    @task(1)
    def home(self):
        self._page("/", "home")

    @task(1)
    def ranking(self):
        self._page("/xep-hang/", "ranking")

    def _page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            # A lost session shows up as a redirect to the login page, not as an error code.
            if response.status_code != 200 or "/dang-nhap/" in response.url:
                response.failure(f"HTTP {response.status_code} at {response.url}")
        self._plain_http_cookies()
