"""What `bench/run.py --size N` does: the pages, then the export, email and rush budgets."""

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from uuid import uuid4

from bench.report import add_ratios, print_table, write_results
from bench.run import (
    EVENT_SLUG,
    PYTHON,
    ROOT,
    Client,
    log,
    measure,
    prepare,
    process,
    read_stats,
    server_env,
    setup_django,
    wait_for,
)
from bench.smtp import SmtpSink

RUSH_SPEAKERS = 200
WARM_SERVER = 40  # requests before the first measured one, spread over the server's workers
MAIL_PROPOSALS = 2250  # about 2,000 of them submitted, 1.5 speakers each: 3,000 emails


def session_cookie(user) -> dict[str, str]:
    """A logged-in session made directly: the benchmark measures pages, not the login."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "speakers.backends.PasswordBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"sessionid": session.session_key}


def people(event):
    """An organizer, a reviewer with a full queue, and a speaker of the event."""
    from cfp.enums import ProposalState
    from reviews.models import Assignment
    from speakers.models import User

    organizer, _ = User.objects.get_or_create(
        email="bench-organizer@example.org", defaults={"is_staff": True}
    )
    event.organizers.add(organizer)
    reviewer_id = (
        Assignment.objects.filter(proposal__event=event)
        .order_by("reviewer_id")
        .values_list("reviewer_id", flat=True)
        .first()
    )
    speaker = (
        User.objects.filter(proposals__event=event, proposals__state=ProposalState.SUBMITTED)
        .order_by("pk")
        .first()
    )
    return organizer, User.objects.get(pk=reviewer_id), speaker


PROPOSAL_LISTS = {
    "organizer's proposal list",
    "proposal list, a late page",
    "proposal list, by state",
    "proposal list, searched",
}
# The API (/api/v1/): the proposal list an organizer's token reads (its first cursor page, and
# a page as deep in the list as the staff list's late page, reached by following `next`), and
# the public schedule. An endpoint this checkout lacks answers 404: its row says so.
API_PROPOSAL_LISTS = {"API proposal list", "API proposal list, a deep page"}
API_PAGE_SIZE = 50
DEEP_PAGE = "<follow next links>"  # the path is found on the running server
PAGINATED = {"reviewer's queue", "ranked list", "outbox list"} | PROPOSAL_LISTS | API_PROPOSAL_LISTS
# Found in some of the bench event's proposals (about one in sixteen of seed_demo's titles),
# not in all: the search reads every row and draws a page of the matches.
SEARCH_TERM = "WebAssembly"
# Pages that read a fixed amount however big the event (stored figures, index-only counts).
DASHBOARDS = {"dashboard (organizer)", "dashboard (reviewer)"}
BOUNDED = PAGINATED | DASHBOARDS
EXPORTS = {"CSV export, accepted talks"}  # judged on memory (export_memory), not on time


def page_list(event, organizer, reviewer, speaker) -> list[tuple[str, str, str]]:
    """(name, path, role) of every page measured. PAGINATED: the lists; BOUNDED: the pages whose
    time should not grow with the event (the lists, the dashboards). Staff pages are those
    of the staff panel (/admin/); the lightest of them sets the staff budget (bench/report.py)."""
    from django.urls import reverse

    from cfp.admin.proposals import ProposalAdmin
    from cfp.enums import ProposalState
    from cfp.models import Proposal
    from reviews import selectors

    listed = Proposal.objects.filter(event=event).exclude(state=ProposalState.DRAFT).count()
    # The last full page of the organizer's list (the admin counts pages from 1): the rows the
    # database must skip to reach it grow with the event.
    late_page = max(1, listed // ProposalAdmin.list_per_page)
    proposals = f"/admin/cfp/proposal/?event__id__exact={event.pk}"
    in_queue = selectors.review_queue(reviewer, event).order_by("pk").values_list("pk", flat=True)
    reviewed = Proposal.objects.filter(event=event, reviews__isnull=False).order_by("pk").first().pk
    return [
        # The staff panel's frame and an app's list of models (the app index; /admin/ itself is
        # the dashboard now): a session, a user and its permissions. The staff pages are judged
        # against it (or against whichever staff page turns out lighter).
        ("staff panel's lightest page", "/admin/cfp/", "organizer"),
        ("dashboard (organizer)", f"/admin/?event={event.pk}", "organizer"),
        ("dashboard (reviewer)", "/admin/", "reviewer"),
        ("public CfP page", f"/{event.slug}/", "anonymous"),
        # The form's address once it has its one-time token (a bare /submit/ redirects there).
        ("submission form", f"/{event.slug}/submit/?form={uuid4()}", "speaker"),
        ("My proposals", "/me/proposals/", "speaker"),
        (
            "reviewer's queue",
            f"/admin/reviews/reviewqueueitem/?event__id__exact={event.pk}",
            "reviewer",
        ),
        (
            "reviewer's proposal page",
            f"/admin/reviews/reviewqueueitem/{in_queue[0]}/change/",
            "reviewer",
        ),
        ("ranked list", f"/admin/reviews/rankedproposal/?event={event.pk}", "organizer"),
        ("organizer's proposal list", proposals, "organizer"),
        ("proposal list, a late page", f"{proposals}&p={late_page}", "organizer"),
        ("proposal list, by state", f"{proposals}&state__exact=submitted", "organizer"),
        (
            "proposal list, searched",
            f"{proposals}&{urlencode({'q': SEARCH_TERM})}",
            "organizer",
        ),
        # The event's emails (the bench event has none unless an earlier step wrote some: the
        # list's frame, filters and counts are what is measured then).
        ("outbox list", f"/admin/cfp/message/?event__id__exact={event.pk}", "organizer"),
        ("schedule grid", reverse("admin:cfp_event_schedule", args=[event.pk]), "organizer"),
        ("a proposal's reviews", f"/admin/reviews/rankedproposal/{reviewed}/change/", "organizer"),
        ("CSV export, accepted talks", export_path(event, ""), "organizer"),
        ("public schedule", f"/{event.slug}/schedule/", "anonymous"),
        ("API proposal list", api_proposals(event), "api-organizer"),
        ("API proposal list, a deep page", DEEP_PAGE, "api-organizer"),
        ("API schedule", f"/api/v1/events/{event.slug}/schedule/", "anonymous"),
    ]


def api_proposals(event) -> str:
    return f"/api/v1/events/{event.slug}/proposals/?{urlencode({'page_size': API_PAGE_SIZE})}"


def api_token_header(organizer) -> tuple[dict[str, str], object]:
    """The organizer's personal token (read scope), made directly, as the header that sends it;
    and the token, to revoke after the run."""
    from allauth.account.models import EmailAddress

    from speakers.tokens import token_create

    # Tokens are made by accounts with a verified address; the seeded organizer's is.
    EmailAddress.objects.update_or_create(
        user=organizer, email=organizer.email, defaults={"verified": True, "primary": True}
    )
    token, raw = token_create(user=organizer, name="bench")
    return {"Authorization": f"Bearer {raw}"}, token


def deep_page(client: Client, event) -> tuple[str | None, str]:
    """The path of the API proposal list's page about as deep as the staff list's late page,
    found by following `next` from the first page; (None, why) when the list does not answer."""
    from cfp.enums import ProposalState
    from cfp.models import Proposal

    listed = Proposal.objects.filter(event=event).exclude(state=ProposalState.DRAFT).count()
    hops = max(0, listed // API_PAGE_SIZE - 1)
    path = api_proposals(event)
    for hop in range(hops):
        status, content, *_ = client.request("GET", path)
        if status != 200:
            return None, f"answered {status} at page {hop + 1}"
        following = json.loads(content).get("next")
        if not following:
            log(f"the API proposal list ends at page {hop + 1} (of {hops + 1} expected)")
            return path, ""
        parts = urlsplit(following)
        path = f"{parts.path}?{parts.query}"
    log(f"the API proposal list's page {hops + 1} ({listed} listed): {len(path)}-character path")
    return path, ""


def measure_row(client: Client, path: str | None, stats_file: Path, args, why: str = "") -> dict:
    """measure(), or, for an API endpoint that is not there (404 until it is built) or did not
    answer, a row that says so instead of stopping the run."""
    if path is not None and path.startswith("/api/"):
        status, *_ = client.request("GET", path)
        if status != 200:
            why = f"answered {status}"
    if path is None or why:
        return {"queries": None, "queries_varied": None, "p50_ms": None, "p95_ms": None,
                "missing": why}  # fmt: skip
    return measure(client, path, stats_file, args.warmup, args.requests)


def export_path(event, states: str) -> str:
    from django.urls import reverse

    path = reverse("admin:cfp_event_export_talks_csv", args=[event.pk])
    return f"{path}?{urlencode({'state': states})}" if states else path


def run_size(size: int, args) -> None:
    work = Path(tempfile.mkdtemp(prefix=f"lectern-bench-{size}-"))
    stats_file = work / "requests.jsonl"
    sink = SmtpSink()
    sink.start()
    env = server_env(size, stats_file, sink.port)
    prepare(size, env, args.fresh)
    setup_django(env)
    from cfp.models import Event

    event = Event.objects.get(slug=EVENT_SLUG)
    organizer, reviewer, speaker = people(event)
    cookies = {
        "anonymous": {},
        "organizer": session_cookie(organizer),
        "reviewer": session_cookie(reviewer),
        "speaker": session_cookie(speaker),
    }
    api_header, api_token = api_token_header(organizer)
    pages = page_list(event, organizer, reviewer, speaker)
    gunicorn = [
        PYTHON, "-m", "gunicorn", "config.wsgi:application", "--workers", "2",
        "--bind", f"127.0.0.1:{args.port}", "--timeout", "300",
    ]  # fmt: skip
    worker = [
        PYTHON, "-m", "celery", "-A", "config", "worker", "--queues", "lectern-bench",
        "--concurrency", "2", "--loglevel", "WARNING", "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    results, load = [], {}
    try:
        with (
            process(gunicorn, env, "gunicorn", work / "gunicorn.log"),
            process(worker, env, "celery worker", work / "worker.log"),
        ):
            wait_for(args.port)
            log(f"gunicorn (2 workers) on 127.0.0.1:{args.port}; logs in {work}")
            clients = {role: Client(args.port, c) for role, c in cookies.items()}
            clients["api-organizer"] = Client(args.port, headers=api_header)
            # Each gunicorn worker pays once-per-process costs at its first requests (loading
            # templates, Django's PostgreSQL type lookups on its first connection: 2 queries).
            # Warm both before any page is measured: otherwise whichever page a cold worker
            # happens to serve first is counted with them.
            _, first_path, first_role = pages[0]
            for _ in range(WARM_SERVER):
                measure(clients[first_role], first_path, stats_file, 0, 1)
            for name, path, role in pages:
                why = ""
                if path == DEEP_PAGE:
                    path, why = deep_page(clients[role], event)
                row = measure_row(clients[role], path, stats_file, args, why)
                results.append(
                    {
                        "name": name,
                        "path": path or f"{api_proposals(event)} (a deep page)",
                        "staff": bool(path) and path.startswith("/admin/"),
                        "paginated": name in PAGINATED,
                        "bounded": name in BOUNDED,
                        "export": name in EXPORTS,
                        **row,
                    }
                )
                if row.get("missing"):
                    log(f"{name}: NOT MEASURED, {path or 'the list'} {row['missing']}")
                else:
                    log(f"{name}: p50 {row['p50_ms']} ms, {row['queries']} queries")
            add_ratios(results)
            if not args.skip_load:
                load["export_memory"] = export_memory(clients["organizer"], event, stats_file)
                load["decision_emails"] = decision_emails(args.port, sink, organizer, size)
                load["deadline_rush"] = deadline_rush(args.port, work)
    finally:
        sink.stop()
        from speakers.tokens import token_revoke

        token_revoke(token=api_token, by=organizer)
    write_results(size, results, load)
    print_table(size, results, load)


# --- the CSV export of every proposal: memory -------------------------------------------------


def export_memory(client: Client, event, stats_file: Path) -> dict:
    every = "all"
    path = export_path(event, every)
    sizes = []
    for _ in range(2):  # the first warms the worker; the second is the one that counts
        status, content, elapsed, bench_id, _ = client.request("GET", path)
        if status != 200:
            raise SystemExit(f"the full export answered {status}")
        sizes.append((content, elapsed, bench_id))
    time.sleep(0.3)
    content, elapsed, bench_id = sizes[-1]
    stats = read_stats(stats_file)[bench_id]
    rows = content.decode("utf-8-sig").count("\n") - 1
    growth_mb = (stats["peak_rss_kb_after"] - stats["peak_rss_kb_before"]) / 1024
    log(f"export of {rows} rows: {len(content) / 1e6:.1f} MB in {elapsed / 1000:.1f} s, "
        f"peak RSS growth {growth_mb:.1f} MB")  # fmt: skip
    return {
        "path": path,
        "rows": rows,
        "bytes": len(content),
        "seconds": round(elapsed / 1000, 2),
        "queries": stats["queries"],
        "peak_rss_growth_mb": round(growth_mb, 1),
        "budget_mb": 50,
        "ok": growth_mb < 50,
    }


# --- decision emails for 3,000 speakers: request time ------------------------------------------


def decision_emails(port: int, sink, organizer, size: int) -> dict:
    from django.db.models import Max

    from cfp import decisions
    from cfp.enums import MessageState, ProposalState
    from cfp.models import Event, Message

    slug = f"mail-{int(time.time())}"
    log(f"the email budget: {MAIL_PROPOSALS} accepted proposals in /{slug}/…")
    subprocess.run(
        [PYTHON, "manage.py", "seed_demo", "--force", "--proposals", str(MAIL_PROPOSALS),
         "--event-slug", slug],
        cwd=ROOT, env=os.environ | {"DATABASE_URL": os.environ["DATABASE_URL"]},
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    event = Event.objects.get(slug=slug)
    event.organizers.add(organizer)
    for proposal in event.proposals.filter(state=ProposalState.SUBMITTED).order_by("pk"):
        decisions.proposal_decide(proposal=proposal, by=organizer, accept=True)
    drafts = Message.objects.filter(event=event, state=MessageState.DRAFT)
    count, last = drafts.count(), drafts.aggregate(last=Max("pk"))["last"]
    log(f"{count} decision emails wait as drafts; sending them…")

    client = Client(port, session_cookie(organizer))
    path = f"/admin/cfp/message/send-drafts/?event={event.pk}"
    status, *_ = client.request("GET", path)  # the confirmation page, and the CSRF cookie
    token = client.cookies["csrftoken"]
    body = urlencode({"csrfmiddlewaretoken": token, "through": last}).encode()
    received_before = sink.count
    status, _content, elapsed, _id, headers = client.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}{path}",
        },
    )
    if status != 302 or "/progress/" not in headers.get("Location", ""):
        raise SystemExit(f"sending the drafts answered {status} {headers.get('Location')}")
    log(f"the request queued {count} emails in {elapsed:.0f} ms; Celery delivers them…")
    started, deadline = time.monotonic(), time.monotonic() + 600
    while time.monotonic() < deadline:
        sent = Message.objects.filter(event=event, state=MessageState.SENT).count()
        if sent >= count:
            break
        time.sleep(1)
    delivered = time.monotonic() - started
    sent = Message.objects.filter(event=event, state=MessageState.SENT).count()
    log(f"Celery sent {sent} of {count} in {delivered:.0f} s; the SMTP sink got "
        f"{sink.count - received_before}")  # fmt: skip
    return {
        "emails": count,
        "request_ms": round(elapsed, 1),
        "budget_ms": 2000,
        "ok": elapsed < 2000 and sent == count,
        "celery_seconds_to_deliver_all": round(delivered, 1),
        "sent": sent,
        "smtp_received": sink.count - received_before,
        "size": size,
    }


# --- the deadline rush ---------------------------------------------------------------------


def deadline_rush(port: int, work: Path) -> dict:
    from cfp.enums import MessageKind, ProposalState
    from cfp.models import Event, Message, Proposal

    slug = f"rush-{int(time.time())}"
    subprocess.run(
        [PYTHON, "manage.py", "seed_demo", "--force", "--proposals", "1", "--event-slug", slug],
        cwd=ROOT, env=os.environ, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    event = Event.objects.get(slug=slug)
    Proposal.objects.filter(event=event).delete()
    from django.contrib.auth.hashers import make_password

    from speakers.models import SpeakerProfile, User

    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"{slug}-speaker-{i}@example.org", password=password)
        for i in range(RUSH_SPEAKERS)
    )
    SpeakerProfile.objects.bulk_create(
        SpeakerProfile(user=u, name=f"Rush Speaker {i}", biography="Speaks at the last minute.")
        for i, u in enumerate(users)
    )
    plan = {
        "host": f"http://127.0.0.1:{port}",
        "event": slug,
        "type": event.submission_types.order_by("pk").first().pk,
        "track": event.tracks.order_by("pk").first().pk,
        "sessions": [session_cookie(u)["sessionid"] for u in users],
    }
    plan_file, outcome_file = work / "rush-plan.json", work / "rush-outcome.jsonl"
    plan_file.write_text(json.dumps(plan))
    log(f"the deadline rush: {RUSH_SPEAKERS} speakers submit at once (locust, at most 60 s)…")
    started = time.monotonic()
    run = subprocess.run(
        [
            PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "rush.py"), "--headless",
            "--users", str(RUSH_SPEAKERS), "--spawn-rate", str(RUSH_SPEAKERS),
            "--run-time", "60s", "--stop-timeout", "10", "--host", plan["host"],
            "--only-summary", "--loglevel", "WARNING",
        ],
        cwd=ROOT,
        env=os.environ | {"RUSH_PLAN": str(plan_file), "RUSH_OUTCOME": str(outcome_file)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    seconds = time.monotonic() - started
    outcomes = [json.loads(line) for line in outcome_file.read_text().splitlines()]
    succeeded = [o["code"] for o in outcomes if o.get("code")]
    errors = [o for o in outcomes if not o.get("code")]
    stored = set(
        Proposal.objects.filter(event=event, state=ProposalState.SUBMITTED).values_list(
            "code", flat=True
        )
    )
    received = {}
    for code in Message.objects.filter(
        event=event, kind=MessageKind.SUBMISSION_RECEIVED
    ).values_list("proposal__code", flat=True):
        received[code] = received.get(code, 0) + 1
    ok = (
        len(succeeded) == RUSH_SPEAKERS
        and not errors
        and set(succeeded) <= stored
        and all(received.get(code) == 1 for code in succeeded)
    )
    summary = {
        "speakers": RUSH_SPEAKERS,
        "success_pages": len(succeeded),
        "error_responses": len(errors),
        "errors": errors[:5],
        "stored_submitted": len(stored),
        "success_pages_missing_in_database": len(set(succeeded) - stored),
        "confirmation_emails_queued": sum(received.get(code, 0) for code in succeeded),
        "seconds": round(seconds, 1),
        "p50_ms": _median([o["ms"] for o in outcomes]),
        "max_ms": round(max((o["ms"] for o in outcomes), default=0), 1),
        "ok": ok,
        "locust_exit": run.returncode,
    }
    log(f"rush: {len(succeeded)} success pages, {len(errors)} errors, {len(stored)} stored, "
        f"{summary['confirmation_emails_queued']} emails queued in {seconds:.0f} s")  # fmt: skip
    if run.returncode not in (0, 1):
        log(run.stdout[-2000:] + run.stderr[-2000:])
    return summary


def _median(values):
    values = sorted(values)
    return round(values[len(values) // 2], 1) if values else None
