"""SQLite, the default database: writers wait for each other instead of failing.

Each test runs the real settings in a process of its own, on a SQLite file, whatever
database the suite itself runs on.
"""

import json
import textwrap
from pathlib import Path

from tests.helpers import run_python


def run_on_sqlite(tmp_path: Path, code: str) -> dict:
    """Run code after django.setup() on a fresh SQLite file; return the JSON it prints."""
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    result = run_python(
        "-c", script, DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path / 'lectern.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sqlite_connection_uses_wal_and_immediate_transactions(tmp_path):
    facts = run_on_sqlite(
        tmp_path,
        """
        import json, sqlite3
        from django.db import connection, transaction

        with connection.cursor() as cursor:
            journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
            busy_timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        # An atomic block that has not written yet already holds the write lock: another
        # connection that does not wait cannot start writing.
        with transaction.atomic():
            other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.rollback()
                second_writer = "started"
            except sqlite3.OperationalError as exc:
                second_writer = str(exc)
            other.close()
        print(json.dumps({
            "journal_mode": journal,
            "synchronous": synchronous,
            "busy_timeout": busy_timeout,
            "transaction_mode": connection.transaction_mode,
            "second_writer": second_writer,
        }))
        """,
    )
    assert facts == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL: safe in WAL mode, without a sync at every commit
        "busy_timeout": 20_000,
        "transaction_mode": "IMMEDIATE",
        "second_writer": "database is locked",
    }


def test_sqlite_writers_wait_while_another_holds_a_transaction(tmp_path):
    """The failure seen under load: a transaction that read, then writes after another
    writer went first. Deferred transactions fail at once with "database is locked"."""
    outcome = run_on_sqlite(
        tmp_path,
        """
        import json, threading, time
        from django.db import connection, connections, transaction

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE note (writer text)")
        connection.close()
        errors = []
        first_read = threading.Event()
        second_started = threading.Event()

        def first():
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM note").fetchone()
                    first_read.set()
                    second_started.wait(5)
                    time.sleep(0.3)  # the second writer is trying meanwhile
                    cursor.execute("INSERT INTO note VALUES ('first')")
            except Exception as exc:
                errors.append(f"first: {exc}")
            finally:
                first_read.set()
                connections.close_all()

        def second():
            first_read.wait(5)
            second_started.set()
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM note").fetchone()
                    cursor.execute("INSERT INTO note VALUES ('second')")
            except Exception as exc:
                errors.append(f"second: {exc}")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        with connection.cursor() as cursor:
            rows = [r[0] for r in cursor.execute("SELECT writer FROM note ORDER BY rowid")]
        print(json.dumps({"errors": errors, "rows": rows}))
        """,
    )
    assert outcome == {"errors": [], "rows": ["first", "second"]}


def test_the_dashboards_open_on_sqlite_with_the_demo(tmp_path):
    """`make run` serves SQLite: the staff panel's first page works there for both roles (a
    UNION of ordered parts, fine on PostgreSQL, is an error on SQLite)."""
    facts = run_on_sqlite(
        tmp_path,
        """
        import json
        from django.core.management import call_command
        from django.test import Client
        from speakers.models import User

        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        seen = {}
        for email in ("organizer@example.com", "reviewer1@example.com"):
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(email=email))
            response = client.get("/admin/")
            seen[email] = [response.status_code, "Dashboard" in response.content.decode()]
        print(json.dumps(seen))
        """,
    )

    assert facts == {
        "organizer@example.com": [200, True],
        "reviewer1@example.com": [200, True],
    }


def test_the_proposal_list_searches_and_pages_on_sqlite(tmp_path):
    """SQLite has no trigram indexes (cfp migration 0020 makes them on PostgreSQL only): the
    migrations run, and the organizer's list still searches and reads a later page by ids."""
    facts = run_on_sqlite(
        tmp_path,
        """
        import json, re
        from django.contrib import admin
        from django.core.management import call_command
        from django.db.models import Q
        from django.test import Client
        from cfp.enums import ProposalState
        from cfp.models import Proposal
        from speakers.models import User

        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        admin.site._registry[Proposal].list_per_page = 2  # the demo's few proposals: pages
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email="organizer@example.com"))
        listed = Proposal.objects.exclude(state=ProposalState.DRAFT).order_by("-created_at", "-pk")
        word = listed.first().title.split()[0]
        seen = {}
        for name, params, rows in [
            ("page 2", {"p": 2}, listed),
            ("searched", {"q": word.lower()}, listed.filter(
                Q(title__icontains=word) | Q(code__icontains=word) | Q(abstract__icontains=word)
            )),
        ]:
            response = client.get("/admin/cfp/proposal/", params)
            codes = re.findall(r'<td class="field-code">([^<]+)</td>', response.content.decode())
            first = 2 if "p" in params else 0
            expected = list(rows.values_list("code", flat=True)[first : first + 2])
            seen[name] = [response.status_code, codes == expected, len(codes)]
        print(json.dumps(seen))
        """,
    )

    assert facts == {"page 2": [200, True, 2], "searched": [200, True, facts["searched"][2]]}
    assert facts["searched"][2] >= 1
