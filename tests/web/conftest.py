"""Web app fixtures: an app over a fresh SQLite workspace, parties with their own cookies, a
clock the tests move forward, and (for the browser tests) one live server per session.

The store fixtures of tests/store (``database_url`` on SQLite and PostgreSQL) are shared here.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from subtier.web import Service, Settings, create_app
from tests.store.conftest import (  # noqa: F401  (fixtures shared with the store tests)
    backend,
    database_url,
    make_database_url,
    postgres_server,
)

ROOT_DIR = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "admin-token-for-tests-0123456789"
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf" value="([^"]*)"')
LINK = re.compile(r'value="https?://[^"]+(/invite/[^"]+)"')


class Clock:
    """Now, as the app sees it; tests move it forward instead of waiting."""

    def __init__(self) -> None:
        self.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


class Party:
    """One browser: its own cookies, and the CSRF token of the last page it saw."""

    def __init__(self, app: FastAPI) -> None:
        from fastapi.testclient import TestClient  # imported late: see pytest_configure

        self.http: httpx.Client = TestClient(
            app, base_url="http://127.0.0.1", follow_redirects=False
        )
        self.csrf = ""

    def get(self, path: str) -> httpx.Response:
        response = self.http.get(path)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict[str, str] | None = None) -> httpx.Response:
        response = self.http.post(path, data={"csrf": self.csrf, **(data or {})})
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        if response.is_redirect:
            # An invite form redirects to the page that shows the new link: link_in follows.
            response.extensions["party"] = self
        return response

    def sign_in(self, username: str = "alice", password: str = PASSWORD) -> None:
        self.get("/signin")
        done = self.post("/signin", {"username": username, "password": password})
        assert done.status_code == 303, done.text

    def claim(self, link: str) -> httpx.Response:
        self.get(link)
        return self.post(link)


def pytest_configure(config: pytest.Config) -> None:
    # The test client warns that it will move to another HTTP library; nothing to act on here.
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")


def link_in(response: httpx.Response) -> str:
    """The invitation link on the page an invite form answered with (or redirected to)."""
    party = response.extensions.get("party")
    if response.is_redirect and party is not None:
        response = party.get(response.headers["location"])
    found = LINK.search(response.text)
    assert found, "no invitation link on the page"
    return found.group(1)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(tmp_path: Path, clock: Clock) -> Settings:
    return Settings(
        database=f"sqlite:///{tmp_path}/web.db",
        admin_token=ADMIN_TOKEN,
        clock=clock,
        rate_limit=1000,
    )


@pytest.fixture
def service(settings: Settings) -> Iterator[Service]:
    svc = Service(settings)
    svc.add_user("alice", PASSWORD)
    yield svc
    svc.close()


@pytest.fixture
def app(service: Service) -> FastAPI:
    return create_app(service=service)


@dataclass
class World:
    """A chain with two invited vendors, each with something disclosed, and a subcontractor
    of vendor A invited in turn: the parties and what each must never see of the other."""

    app: FastAPI
    service: Service
    clock: Clock
    buyer: Party
    vendor_a: Party
    vendor_b: Party
    sub_a: Party
    links: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    secrets_b: tuple[str, ...] = ("Bravo Hidden Works", "77 Secret Lane", "Bravo Subco")

    def party(self) -> Party:
        return Party(self.app)


@pytest.fixture
def world(app: FastAPI, service: Service, clock: Clock) -> World:
    w = World(app, service, clock, Party(app), Party(app), Party(app), Party(app))
    w.buyer.sign_in()
    w.buyer.get("/chains")
    w.buyer.post("/chains", {"name": "Calls 2019", "buyer": "Campaign", "key": "calls"})
    w.links["a"] = link_in(
        w.buyer.post("/chains/calls/invitations", {"supplier": "Alpha Calls", "service": "calls"})
    )
    w.links["b"] = link_in(
        w.buyer.post("/chains/calls/invitations", {"supplier": "Bravo Calls", "service": "texts"})
    )
    assert w.vendor_a.claim(w.links["a"]).status_code == 303
    assert w.vendor_b.claim(w.links["b"]).status_code == 303
    w.vendor_a.get("/portal")
    w.vendor_a.post("/portal/subcontractors", {"name": "Alpha Subco", "service": "dialing"})
    w.vendor_a.post("/portal/sites", _site("Alpha Floor", "1 Main St", "Newark", "NJ", "07102"))
    w.vendor_a.post("/portal/steps/sites")  # an answer reaches the chain when its step is saved
    w.links["sub_a"] = link_in(w.vendor_a.post("/portal/subcontractors/alpha-subco/invite"))
    assert w.sub_a.claim(w.links["sub_a"]).status_code == 303
    w.vendor_b.get("/portal")
    w.vendor_b.post("/portal/subcontractors", {"name": "Bravo Subco", "service": "dialing"})
    w.vendor_b.post(
        "/portal/sites", _site("Bravo Hidden Works", "77 Secret Lane", "Tulsa", "OK", "74103")
    )
    w.vendor_b.post(
        "/portal/workforces",
        {"site": "bravo-hidden-works", "labor": "employee", "headcount": "9",
         "pay_amount": "17.5", "pay_per": "hour", "paid_to": "worker"},
    )  # fmt: skip
    w.vendor_b.post("/portal/steps/workforce")
    w.ids = {
        "site_b": "bravo-hidden-works",
        "sub_b": "bravo-subco",
        "workforce_b": "bravo-hidden-works-workforce",
        "site_a": "alpha-floor",
        "sub_a": "alpha-subco",
    }
    return w


def _site(name: str, address: str, city: str, state: str, zip_: str) -> dict[str, str]:
    return {"name": name, "address": address, "city": city, "state": state, "zip": zip_}


# The browser tests: one live server and one browser for the whole session. ---------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Debian's chromium, not a downloaded one.
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium"}


@dataclass
class LiveServer:
    url: str
    service: Service


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("live")
    with serve(
        Settings(database=f"sqlite:///{folder}/web.db", admin_token=ADMIN_TOKEN, rate_limit=1000)
    ) as live:
        yield live


@contextmanager
def serve(settings: Settings) -> Iterator[LiveServer]:
    """The app over a new workspace, served by uvicorn on a free loopback port (with its
    lifespan, so the notification worker runs), with the buyer account alice."""
    service = Service(settings)
    service.add_user("alice", PASSWORD)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(service=service), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", service)
    finally:
        server.should_exit = True
        thread.join(10)
        service.close()
