"""The commands of a checkout: manage.py's development default, `make run PORT=`, `make test`."""

import shutil
import subprocess
from pathlib import Path

from tests.helpers import ROOT, run_python

NOTICE = "neither DEBUG nor SECRET_KEY is set"
PRINT_DEBUG = "from django.conf import settings; print(settings.DEBUG)"


def manage(tmp_path: Path, *args: str, script: Path = ROOT / "manage.py", **env: str):
    return run_python(
        str(script),
        *args,
        unset={"DEBUG", "SECRET_KEY"},
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONPATH=str(ROOT),
        **env,
    )


def test_manage_py_in_a_checkout_defaults_to_development_settings(tmp_path):
    result = manage(tmp_path, "shell", "-v", "0", "-c", PRINT_DEBUG)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
    assert result.stderr.count(NOTICE) == 1  # said once, on stderr (stdout stays the output)


def test_manage_py_with_a_secret_key_keeps_debug_off(tmp_path):
    result = manage(
        tmp_path, "shell", "-v", "0", "-c", PRINT_DEBUG, SECRET_KEY="production-" + "k" * 50
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    assert NOTICE not in result.stderr


def test_manage_py_with_debug_off_still_needs_a_secret_key(tmp_path):
    result = manage(tmp_path, "check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set unless DEBUG is on" in result.stderr
    assert NOTICE not in result.stderr


def test_manage_py_outside_a_checkout_has_no_development_default(tmp_path):
    """An installed copy (the docker image has no .git) fails without SECRET_KEY, as before."""
    copy = tmp_path / "app" / "manage.py"
    copy.parent.mkdir()
    shutil.copy(ROOT / "manage.py", copy)
    result = manage(tmp_path, "check", script=copy)
    assert result.returncode != 0
    assert "SECRET_KEY must be set unless DEBUG is on" in result.stderr


def test_make_run_serves_on_the_port_given():
    make = shutil.which("make")
    dry_run = subprocess.run(
        [make, "--dry-run", "--always-make", "run", "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert dry_run.returncode == 0, dry_run.stderr
    assert "manage.py runserver 127.0.0.1:8123" in dry_run.stdout
    assert "Serving Lectern at http://127.0.0.1:8123 " in dry_run.stdout
    default = subprocess.run(
        [make, "--dry-run", "--always-make", "run"], cwd=ROOT, capture_output=True, text=True
    )
    assert "manage.py runserver 127.0.0.1:8000" in default.stdout


def test_make_test_shares_the_suite_between_two_processes_unless_told():
    make = shutil.which("make")

    def dry_run(*args):
        result = subprocess.run(
            [make, "--dry-run", "--always-make", "test", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert ".venv/bin/pytest -n 2 --dist worksteal\n" in dry_run()
    assert ".venv/bin/pytest -n 0 --dist worksteal\n" in dry_run("TEST_WORKERS=0")
