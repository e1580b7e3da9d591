"""Attempts at secrets are counted per client and per account, on every attempt, before the
request is read; X-Forwarded-For is believed only from proxies named so."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from subtier.web import Service, Settings, create_app, uvicorn_options
from subtier.web.attempts import CLAIM, SIGNIN, bucket, client_key

from .conftest import PASSWORD, Party


def _app(settings: Settings, limit: int, proxies: tuple[str, ...] = ()) -> FastAPI:
    settings.rate_limit = limit
    settings.forwarded_allow_ips = proxies
    service = Service(settings)
    service.add_user("alice", PASSWORD)
    return create_app(service=service)


def _api_signin(client: httpx.Client, forwarded: str | None = None, user: str = "alice") -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    body = {"username": user, "password": "wrong password"}
    return client.post("/api/sessions", json=body, headers=headers).status_code


def test_the_buckets() -> None:
    assert bucket("POST", "/signin") == bucket("POST", "/api/sessions") == SIGNIN
    assert bucket("GET", "/invite/x") == bucket("POST", "/api/portal/claim") == CLAIM
    assert bucket("GET", "/signin") is None
    assert bucket("GET", "/chains") is None


def test_the_client_key_believes_only_named_proxies() -> None:
    scope = {"client": ("10.0.0.5", 1), "headers": [(b"x-forwarded-for", b"6.6.6.6, 1.2.3.4")]}
    assert client_key(scope) == "10.0.0.5"
    assert client_key(scope, ("10.0.0.9",)) == "10.0.0.5"
    assert client_key(scope, ("10.0.0.5",)) == "1.2.3.4"  # what the proxy saw, not the claim
    assert client_key(scope, ("10.0.0.5", "1.2.3.4")) == "6.6.6.6"
    assert client_key({"client": None, "headers": []}) == "unknown"


def test_rotating_x_forwarded_for_does_not_pass_the_limit(settings: Settings) -> None:
    client = TestClient(_app(settings, 5))
    codes = [_api_signin(client, f"203.0.113.{i}") for i in range(8)]
    assert codes == [401] * 5 + [429] * 3


def test_from_a_named_proxy_each_client_has_its_own_bucket(settings: Settings) -> None:
    client = TestClient(_app(settings, 2, ("testclient",)))  # the test client's peer address
    assert [_api_signin(client, "203.0.113.1", "bob") for _ in range(3)] == [401, 401, 429]
    assert _api_signin(client, "203.0.113.2", "carol") == 401


def test_page_and_api_sign_in_share_one_bucket(settings: Settings) -> None:
    app = _app(settings, 4)
    party = Party(app)
    party.get("/signin")
    pages = [party.post("/signin", {"username": "x", "password": "y"}).status_code for _ in "ab"]
    api = [_api_signin(party.http, user="x") for _ in "ab"]
    assert (pages, api) == ([401, 401], [401, 401])
    assert party.post("/signin", {"username": "x", "password": "y"}).status_code == 429
    assert _api_signin(party.http, user="x") == 429


def test_requests_that_do_not_parse_are_counted(settings: Settings) -> None:
    client = TestClient(_app(settings, 3))
    bad = [client.post("/api/sessions", content=b"{not json").status_code for _ in range(3)]
    assert bad == [422, 422, 422]
    assert _api_signin(client) == 429


def test_an_account_is_limited_whichever_client_tries(settings: Settings) -> None:
    client = TestClient(_app(settings, 3, ("testclient",)))
    codes = [_api_signin(client, f"203.0.113.{i}") for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    assert _api_signin(client, "203.0.113.99", "bob") == 401  # another account is not
    page = Party(client.app)  # type: ignore[arg-type]
    page.get("/signin")
    refused = page.http.post(
        "/signin", data={"csrf": page.csrf, "username": "alice", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )  # fmt: skip
    assert refused.status_code == 429


def _live(settings: Settings, limit: int, proxies: tuple[str, ...]) -> tuple[Any, str]:
    app = _app(settings, limit, proxies)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_options(settings)
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port}"


def test_uvicorn_as_served_believes_no_forwarded_header_by_default(settings: Settings) -> None:
    server, url = _live(settings, 3, ())
    try:
        with httpx.Client(base_url=url) as client:
            codes = [_api_signin(client, f"203.0.113.{i}", f"u{i}") for i in range(5)]
    finally:
        server.should_exit = True
    assert codes == [401, 401, 401, 429, 429]


def test_uvicorn_as_served_believes_a_named_proxy(settings: Settings) -> None:
    server, url = _live(settings, 1, ("127.0.0.1",))
    try:
        with httpx.Client(base_url=url) as client:
            codes = [_api_signin(client, f"203.0.113.{i}", f"u{i}") for i in range(3)]
            again = _api_signin(client, "203.0.113.0", "u9")
    finally:
        server.should_exit = True
    assert (codes, again) == ([401, 401, 401], 429)
