"""Calling the API in tests: a client with a personal token, and a check of every answer
against the generated OpenAPI schema (openapi-core)."""

import json
from functools import lru_cache

from drf_spectacular.generators import SchemaGenerator
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from rest_framework.test import APIClient

from speakers.models import ApiTokenScope
from speakers.tokens import token_create


def client_for(user=None, *, scope: str = ApiTokenScope.READ, token: str | None = None):
    """An API client: anonymous, or with a new token of `user` (or the given token)."""
    client = APIClient()
    if user is not None and token is None:
        _, token = token_create(user=user, name="tests", scope=scope)
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON, so that lazy translations and enums become plain values.
    return OpenAPI.from_dict(json.loads(json.dumps(schema, default=str)))


def assert_matches_schema(response) -> None:
    """The answer (status, headers' content type and body) is what the schema documents
    for that operation; raises openapi-core's error naming what differs."""
    request = response.wsgi_request
    body = request.body if hasattr(request, "_body") else b""
    openapi_request = MockRequest(
        "http://testserver",
        request.method.lower(),
        request.path,
        args=request.GET,
        data=body or None,
        content_type=request.content_type or "application/json",
    )
    openapi_response = MockResponse(
        response.content,
        status_code=response.status_code,
        content_type=response.get("Content-Type", "application/json").split(";")[0],
    )
    openapi().validate_response(openapi_request, openapi_response)
