"""The OpenAPI schema: generated without a warning, valid, served at /api/v1/schema/ (YAML and
JSON), and naming every endpoint of the API's URL map that this checkout has."""

import json
import re

import pytest
import yaml
from django.core.management import call_command
from django.urls import Resolver404, resolve

from tests.api.helpers import client_for

# The API's URL map (all under /api/v1/; "{}" a path parameter) and the method each answers
# at least. Endpoints of parts built elsewhere count once they are on the checkout.
URL_MAP = [
    ("me/", "get"),
    ("events/{}/schedule/", "get"),
    ("events/{}/talks/", "get"),
    ("events/{}/talks/{}/", "get"),
    ("events/", "get"),
    ("events/{}/", "get"),
    ("events/{}/proposals/", "get"),
    ("events/{}/proposals/", "post"),
    ("events/{}/proposals/{}/", "get"),
    ("events/{}/proposals/{}/", "patch"),
    ("events/{}/speakers/", "get"),
    ("events/{}/speakers/{}/", "get"),
    ("events/{}/proposals/{}/accept/", "post"),
    ("events/{}/proposals/{}/reject/", "post"),
    ("events/{}/proposals/{}/undo/", "post"),
    ("events/{}/proposals/{}/cancel/", "post"),
    ("events/{}/proposals/{}/tags/", "put"),
    ("events/{}/slots/", "get"),
    ("events/{}/slots/", "post"),
    ("events/{}/slots/{}/", "patch"),
    ("events/{}/submission-types/", "get"),
    ("events/{}/tracks/", "get"),
    ("events/{}/rooms/", "get"),
    ("events/{}/tags/", "get"),
    ("events/{}/messages/", "get"),
    ("events/{}/reviews/", "get"),
    ("events/{}/scores/", "get"),
]
# What every checkout has: the foundation's and the public programme's.
HERE_ALWAYS = {"me/", "events/{}/schedule/", "events/{}/talks/", "events/{}/talks/{}/"}


def on_this_checkout(path: str) -> bool:
    """Whether an address of the map leads to an endpoint here (not to the API's 404)."""
    try:
        match = resolve("/api/v1/" + path.replace("{}", "1"))
    except Resolver404:
        return False
    return match.route.startswith("api/v1/") and match.namespace == "api"


def schema_paths(schema: dict) -> dict[str, set[str]]:
    """{path with "{}" for each parameter: its methods}."""
    return {
        re.sub(r"\{[^}]+\}", "{}", path.removeprefix("/api/v1/")): set(operations)
        for path, operations in schema["paths"].items()
    }


def test_schema_generates_without_a_warning_and_validates(tmp_path):
    target = tmp_path / "schema.yml"

    # Raises (SchemaGenerationError, or a validation error) on any warning or invalid part.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))

    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Lectern API"


@pytest.mark.django_db
def test_schema_is_served_to_anyone_as_yaml_and_as_json():
    client = client_for()

    as_yaml = client.get("/api/v1/schema/")
    as_json = client.get("/api/v1/schema/", {"format": "json"})

    assert as_yaml.status_code == 200 == as_json.status_code
    assert as_yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert "json" not in as_yaml["Content-Type"]
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert yaml.safe_load(as_yaml.content) == json.loads(as_json.content)
    assert "/api/v1/events/{event}/schedule/" in json.loads(as_json.content)["paths"]


@pytest.mark.django_db
def test_schema_names_every_endpoint_of_the_url_map_on_this_checkout():
    schema = json.loads(client_for().get("/api/v1/schema/", {"format": "json"}).content)
    documented = schema_paths(schema)

    here = [(path, method) for path, method in URL_MAP if on_this_checkout(path)]

    assert {path for path, _ in here} >= HERE_ALWAYS
    missing = [
        f"{method.upper()} {path}"
        for path, method in here
        if method not in documented.get(path, ())
    ]
    assert not missing, f"not in the schema: {missing}"


def test_an_address_outside_the_map_is_not_taken_for_an_endpoint():
    assert not on_this_checkout("events/{}/no-such-list/")
    assert on_this_checkout("events/{}/talks/{}/")


@pytest.mark.django_db
def test_public_operations_take_a_token_but_need_none():
    schema = json.loads(client_for().get("/api/v1/schema/", {"format": "json"}).content)
    paths = schema["paths"]

    for path in ("/api/v1/events/{event}/schedule/", "/api/v1/events/{event}/talks/{code}/"):
        assert {} in paths[path]["get"]["security"], path  # {}: no credentials at all
        assert {"token": []} in paths[path]["get"]["security"], path
    assert {} not in paths["/api/v1/me/"]["get"]["security"]
