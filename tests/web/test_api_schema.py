"""schemathesis against the OpenAPI document: generated requests to every API operation, as a
buyer and as a vendor, never make the server fail, and every answer is one the document
describes.

Cases are drawn from each operation's strategy under hypothesis directly: schemathesis's own
pytest plugin does not run under this pytest version.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import positive_data_acceptance

from subtier.web import Service, Settings, create_app

from .conftest import ADMIN_TOKEN, PASSWORD
from .test_authz import ROUTES

pytestmark = pytest.mark.slow

OPERATIONS = sorted((m, p) for m, p in ROUTES if p.startswith("/api/") and p != "/api/docs")


class Tokens:
    vendor = ""


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder: Path = tmp_path_factory.mktemp("schema")
    service = Service(
        Settings(database=f"sqlite:///{folder}/web.db", admin_token=ADMIN_TOKEN, rate_limit=10**6)
    )
    service.add_user("alice", PASSWORD)
    service.create_chain("Calls", "Campaign", "calls", "alice")
    _inv, token = service.add_supplier("calls", "Vendor", "calls", "alice")
    session = service.claim(token)
    assert session is not None
    Tokens.vendor = session
    yield create_app(service=service)
    service.close()


@pytest.fixture(scope="module")
def api_schema(api_app: FastAPI) -> BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", api_app)


def test_every_api_operation_is_fuzzed(api_app: FastAPI) -> None:
    paths = api_app.openapi()["paths"]
    documented = {(method.upper(), path) for path, item in paths.items() for method in item}
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_server_errors(api_schema: BaseSchema, method: str, path: str) -> None:
    operation = api_schema[path][method]
    token = Tokens.vendor if path.startswith("/api/portal") else ADMIN_TOKEN

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def call(case: Any) -> None:
        # Every default check (no server error, documented status codes and response
        # schemas, ...) except one: a request can fit the schema and still be refused for what
        # it says, such as a workforce at a site the vendor never listed.
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"},
            excluded_checks=[positive_data_acceptance],
        )

    call()
