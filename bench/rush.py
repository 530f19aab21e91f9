"""The deadline rush, for locust: each simulated speaker opens the submission form once and
submits a complete proposal, all at about the same time. Run by bench/scenarios.py, which
writes the plan (sessions, event) and reads the outcome of every speaker."""

import itertools
import json
import os
import re
import threading
import time

from locust import HttpUser, events, task
from locust.exception import StopUser

with open(os.environ["RUSH_PLAN"], encoding="utf-8") as plan_file:
    PLAN = json.load(plan_file)
OUTCOME = os.environ["RUSH_OUTCOME"]
SESSIONS = itertools.count()
WRITE = threading.Lock()
FINISHED = itertools.count(1)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE = re.compile(r"/proposals/([A-Z0-9]+)/")
# The form's one-time token (sent back, as a browser does, so that a resend is recognised).
FORM_TOKEN = re.compile(r'name="creation_token" value="([^"]+)"')


def record(outcome: dict) -> None:
    with WRITE, open(OUTCOME, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(outcome) + "\n")


class Speaker(HttpUser):
    wait_time = staticmethod(lambda: 0)

    def on_start(self):
        number = next(SESSIONS)
        self.number = number
        self.client.cookies.set("sessionid", PLAN["sessions"][number], domain="127.0.0.1")

    @task
    def submit(self):
        event = PLAN["event"]
        started = time.perf_counter()
        outcome = {"speaker": self.number}
        form = self.client.get(f"/{event}/submit/", name="submission form")
        token = CSRF.search(form.text)
        form_token = FORM_TOKEN.search(form.text)
        if form.status_code != 200 or token is None or form_token is None:
            outcome.update(error=f"form {form.status_code}")
        else:
            data = {
                "csrfmiddlewaretoken": token.group(1),
                "creation_token": form_token.group(1),
                "title": f"Last-minute talk № {self.number} — déjà vu 🎤",
                "submission_type": PLAN["type"],
                "track": PLAN["track"],
                "experience_level": "intermediate",
                "abstract": "The speaker explains, in complete sentences, what was learned.",
                "audience": "Everyone who submits at the last minute.",
                "benefits": "Fewer surprises.",
                "technical_requirements": "None.",
                "notes": "",
                "submit": "Submit",
            }
            response = self.client.post(
                form.url,  # the address the form page was redirected to, with its token
                data=data,
                headers={"Referer": form.url},
                name="submit",
            )
            code = CODE.search(response.url or "")
            if response.status_code == 200 and code and "is submitted" in response.text:
                outcome.update(code=code.group(1))
            else:
                outcome.update(error=f"submit {response.status_code} {response.url}")
        outcome["ms"] = (time.perf_counter() - started) * 1000
        record(outcome)
        if next(FINISHED) >= len(PLAN["sessions"]):
            # Everyone has submitted: stop now rather than at the time limit.
            self.environment.runner.quit()
        raise StopUser()


@events.init.add_listener
def _fresh_outcome(environment, **kwargs):
    open(OUTCOME, "w").close()
