"""docker-compose.yml: a health check that works with production settings, local ports only."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())


def test_compose_web_health_check_requests_healthz():
    check = COMPOSE["services"]["web"]["healthcheck"]["test"]
    assert check[0] in {"CMD", "CMD-SHELL"}
    assert "'http://127.0.0.1:8000/healthz/'" in " ".join(check[1:])


def test_compose_publishes_ports_on_localhost_only():
    published = {name: service.get("ports", []) for name, service in COMPOSE["services"].items()}
    assert published["web"] == ["127.0.0.1:8000:8000"]
    assert published["mail"] == ["127.0.0.1:8025:8025"]
    for name, ports in published.items():
        for port in ports:
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every address"


def test_compose_gives_the_app_what_production_settings_require():
    """Without DEBUG, settings.py stops the start without these (README, "Configuration")."""
    for name in ("web", "worker", "beat"):
        environment = COMPOSE["services"][name]["environment"]
        for required in ("SECRET_KEY", "REDIS_URL", "SITE_URL"):
            assert environment.get(required), f"{name} starts without {required}"
        assert "DEBUG" not in environment
