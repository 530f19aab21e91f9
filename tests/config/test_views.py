"""The health check (the staff panel's login: test_admin.py)."""

import json

import pytest

from tests.helpers import run_python


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/healthz/").status_code == 405


def test_healthz_answers_plain_http_from_localhost_under_production_settings(tmp_path):
    """docker-compose's health check: http://127.0.0.1:8000/healthz/ from inside the
    container, with the HTTPS redirect on and ALLOWED_HOSTS naming the real site only."""
    env = {
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Qp" * 10,
        "SECURE_HTTPS": "1",
        "ALLOWED_HOSTS": "cfp.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    script = """
import json, django
django.setup()
from django.test import Client

def get(path, host, address):
    response = Client().get(path, HTTP_HOST=host, REMOTE_ADDR=address)
    return [response.status_code, response.content.decode() if response.status_code == 200 else ""]

print(json.dumps({
    "local": get("/healthz/", "127.0.0.1:8000", "127.0.0.1"),
    "local_ipv6": get("/healthz/", "[::1]:8000", "::1"),
    "remote_site_plain_http": get("/healthz/", "cfp.example.org", "203.0.113.5"),
    "remote_other_host": get("/healthz/", "203.0.113.9:8000", "203.0.113.5"),
    "local_other_page": get("/admin/", "127.0.0.1:8000", "127.0.0.1"),
    "site_page_plain_http": get("/admin/", "cfp.example.org", "203.0.113.5"),
}))
"""
    result = run_python("-c", script, unset={"DEBUG"}, **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "local": [200, "ok\n"],
        "local_ipv6": [200, "ok\n"],
        "remote_site_plain_http": [200, "ok\n"],  # exempt from the HTTPS redirect
        "remote_other_host": [400, ""],  # ALLOWED_HOSTS still holds for everyone else
        "local_other_page": [400, ""],  # and for every other page
        "site_page_plain_http": [301, ""],  # which still goes to HTTPS
    }
