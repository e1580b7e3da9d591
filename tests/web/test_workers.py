"""`subtier serve --workers N`: a real server in a process of its own, with two workers forked
over one socket and a SQLite workspace in a file.

What one server promises whatever the worker a connection lands on: the rate limits count
every worker's attempts together, and two vendors saving at once lose none of each other's
answers. A worker that dies is replaced; SIGTERM to the server stops it and every worker.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from subtier.store.workspace import Workspace
from tests.paths import ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not hasattr(os, "fork") or not Path("/proc/net/tcp").exists(),
        reason="needs os.fork and Linux's /proc",
    ),
]

ADMIN = "admin-token-for-worker-tests-0123456789"
LIMIT = 5  # sign-in attempts a minute per client
# What `subtier serve --workers 2` runs, with a rate limit small enough to reach.
SERVER = """
import sys
from subtier.web import Settings, serve
settings = Settings(database=sys.argv[1], admin_token=sys.argv[2], rate_limit=int(sys.argv[4]),
                    workers=2)
serve(settings, host="127.0.0.1", port=int(sys.argv[3]))
"""
CSRF = re.compile(r'name="csrf" value="([^"]*)"')
# workers.run over an app that does nothing, as `serve` runs it (uvicorn imported before the
# fork), once for each delay given: each time a process forked just before the workers sends
# the server SIGTERM that long after the server has begun to handle it. The grace period is
# longer than the test waits.
BARE = """
import os, signal, sys, time
from pathlib import Path
import uvicorn
from subtier.web import workers

async def app(scope, receive, send):
    pass

def handled(pid):
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["SigCgt"], 16) & (1 << (signal.SIGTERM - 1))

def sigterm_after(delay):
    def fork():
        if os.fork() == 0:
            server = os.getppid()
            while not handled(server):
                time.sleep(0.001)
            time.sleep(delay)
            os.kill(server, signal.SIGTERM)
            os._exit(0)
    return fork

workers.STOP_GRACE = 60.0
for delay in map(float, sys.argv[2:]):
    started = time.monotonic()
    sock = workers.listen("127.0.0.1", 0)
    code = workers.run(app, sock, int(sys.argv[1]), {"lifespan": "off"}, print, sigterm_after(delay))
    print(code, time.monotonic() - started, flush=True)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid``, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if fields[1] == str(pid) and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def holder(server_port: int, client_port: int, among: set[int]) -> int | None:
    """Which of the processes ``among`` holds the server's end of a loopback connection."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1].split(":")[1], fields[2].split(":")[1]
        # Established only: a closed connection between the same ports may linger (TIME_WAIT).
        if int(local, 16) == server_port and int(remote, 16) == client_port and fields[3] == "01":
            inode = fields[9]
    if inode is None:
        return None
    for pid in among:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


@dataclass
class Answer:
    status: int
    body: bytes
    worker: int | None  # the worker that answered, when asked for
    location: str | None = None

    def json(self) -> dict[str, str]:
        found: dict[str, str] = json.loads(self.body)
        return found


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    database: str
    log: Path

    def workers(self) -> set[int]:
        return children(self.process.pid)

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        which: bool = False,
    ) -> Answer:
        """One request on a connection of its own, as a new client would send it."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = dict(headers or {})
        data = None
        if body is not None:
            data, sent["Content-Type"] = json.dumps(body), "application/json"
        elif form is not None:
            data, sent["Content-Type"] = urlencode(form), "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            content = response.read()
            worker = None
            if which:  # the connection is still open: its server end is in a worker's fds
                assert conn.sock is not None
                worker = holder(self.port, conn.sock.getsockname()[1], self.workers())
            return Answer(response.status, content, worker, response.getheader("location"))
        finally:
            conn.close()


def start(command: list[str], folder: Path, port: int, database: str) -> Server:
    """Start a server and wait until it answers with both its workers running."""
    log = folder / "server.log"
    env = {**os.environ, "SUBTIER_ADMIN_TOKEN": ADMIN, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )
    server = Server(process, port, database, log)
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {log.read_text()}")
        if time.monotonic() > deadline:
            stop(server)
            raise AssertionError(f"the server did not start: {log.read_text()}")
        try:
            if server.call("GET", "/signin").status == 200 and len(server.workers()) == 2:
                return server
        except OSError:
            pass
        time.sleep(0.1)


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(30)
        except subprocess.TimeoutExpired:
            for pid in server.workers():
                os.kill(pid, signal.SIGKILL)
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("workers")
    database, port = f"sqlite:///{folder}/web.db", free_port()
    command = [sys.executable, "-c", SERVER, database, ADMIN, str(port), str(LIMIT)]
    running = start(command, folder, port, database)
    yield running
    stop(running)


def test_two_workers_answer(server: Server) -> None:
    workers = server.workers()
    assert len(workers) == 2
    answers = [server.call("GET", "/signin", which=True) for _ in range(30)]
    assert {a.status for a in answers} == {200}
    assert {a.worker for a in answers} <= workers


def test_sign_in_attempts_are_counted_across_workers(server: Server) -> None:
    # All in one window of the limiter (60 s, on the machine's monotonic clock): at the turn of
    # a window the last one's count starts to fade, and one attempt more may pass.
    if time.monotonic() % 60 > 50:
        time.sleep(60.1 - time.monotonic() % 60)
    # Which worker takes a connection is the kernel's choice: attempts go on until both have
    # answered some (a few at most, as a rule), so that each worker's own count could show.
    attempts: list[Answer] = []
    while len(attempts) < 4 * LIMIT or len({a.worker for a in attempts} - {None}) < 2:
        assert len(attempts) < 400, "every attempt went to the same worker"
        wrong = {"username": "alice", "password": "wrong"}
        attempts.append(server.call("POST", "/api/sessions", body=wrong, which=True))
    assert [a.status for a in attempts] == [401] * LIMIT + [429] * (len(attempts) - LIMIT)
    assert {a.worker for a in attempts} == server.workers()
    # The admin token still works: only the attempts at a secret were refused.
    assert server.call("GET", "/api/chains", headers=_bearer(ADMIN)).status == 200


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_vendors_saving_at_once_lose_nothing(server: Server) -> None:
    admin = _bearer(ADMIN)
    made = server.call(
        "POST", "/api/chains", body={"name": "Calls", "buyer": "Campaign", "key": "calls"},
        headers=admin,
    )  # fmt: skip
    assert made.status == 201, made.body
    vendors = {}
    for name in ("Alpha", "Bravo"):
        link = server.call(
            "POST", "/api/chains/calls/invitations",
            body={"supplier": f"{name} Calls", "service": "calls"}, headers=admin,
        )  # fmt: skip
        assert link.status == 201, link.body
        claimed = server.call("POST", "/api/portal/claim", body={"token": link.json()["token"]})
        assert claimed.status == 201, claimed.body
        cookie = f"subtier_portal={claimed.json()['token']}"
        page = server.call("GET", "/portal", headers={"Cookie": cookie})
        found = CSRF.search(page.body.decode())
        assert found, page.body
        vendors[name] = (cookie, found.group(1))

    threads_each, sites_each = 2, 5
    failures: list[str] = []
    names: list[str] = []

    def submit(vendor: str, thread: int) -> None:
        cookie, csrf = vendors[vendor]
        for n in range(sites_each):
            name = f"{vendor} Floor {thread}-{n}"
            names.append(name)
            site = {"csrf": csrf, "name": name, "address": f"{100 + n} Main St",
                    "city": "Tulsa", "state": "OK", "zip": "74103"}  # fmt: skip
            for path, form in (("/portal/sites", site), ("/portal/steps/sites", {"csrf": csrf})):
                answer = server.call("POST", path, form=form, headers={"Cookie": cookie})
                if answer.status != 303:
                    failures.append(f"{path}: {answer.status} {answer.body[:200]!r}")

    running = [
        threading.Thread(target=submit, args=(vendor, t))
        for vendor in vendors
        for t in range(threads_each)
    ]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    assert not failures
    with Workspace(server.database) as workspace:
        _version, chain = workspace.chain("calls")
    assert {s.name for s in chain.sites} >= set(names)
    assert len(names) == len(vendors) * threads_each * sites_each


def test_a_new_link_shows_on_the_page_whichever_worker_serves_it(server: Server) -> None:
    admin = _bearer(ADMIN)
    made = server.call(
        "POST", "/api/chains", body={"name": "Links", "buyer": "Campaign", "key": "links"},
        headers=admin,
    )  # fmt: skip
    assert made.status == 201, made.body
    link = server.call(
        "POST", "/api/chains/links/invitations",
        body={"supplier": "Charlie Calls", "service": "calls"}, headers=admin,
    )  # fmt: skip
    claimed = server.call("POST", "/api/portal/claim", body={"token": link.json()["token"]})
    assert claimed.status == 201, claimed.body
    cookie = {"Cookie": f"subtier_portal={claimed.json()['token']}"}
    found = CSRF.search(server.call("GET", "/portal", headers=cookie).body.decode())
    assert found
    csrf = {"csrf": found.group(1)}
    for path, form in (
        ("/portal/subcontractors", {**csrf, "name": "Charlie Subco", "service": "dialing"}),
        ("/portal/steps/subcontractors", csrf),
    ):
        assert server.call("POST", path, form=form, headers=cookie).status == 303
    invited = server.call(
        "POST", "/portal/subcontractors/charlie-subco/invite", form=csrf, headers=cookie
    )
    assert invited.status == 303, invited.body
    assert invited.location is not None
    pages: list[Answer] = []
    while len({a.worker for a in pages} - {None}) < 2:
        assert len(pages) < 400, "every request went to the same worker"
        pages.append(server.call("GET", invited.location, headers=cookie, which=True))
    assert all(b"/invite/" in a.body for a in pages)


def test_a_killed_worker_is_replaced(server: Server) -> None:
    before = server.workers()
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    # The other worker answers meanwhile.
    assert all(server.call("GET", "/signin").status == 200 for _ in range(5))
    deadline = time.monotonic() + 15
    while True:
        now = server.workers()
        if len(now) == 2 and victim not in now:
            break
        assert time.monotonic() < deadline, f"no worker replaced {victim}: {now}"
        time.sleep(0.05)
    (replacement,) = now - before
    answers = [server.call("GET", "/signin", which=True) for _ in range(30)]
    assert {a.status for a in answers} == {200}
    assert {a.worker for a in answers} <= now
    assert f"worker {victim} was killed by SIGKILL; starting another" in server.log.read_text()
    assert replacement not in before


def test_sigterm_stops_the_server_and_every_worker(tmp_path: Path) -> None:
    port = free_port()
    database = f"sqlite:///{tmp_path}/web.db"
    command = [sys.executable, "-m", "subtier", "serve", "--workers", "2", "--port", str(port),
               "-d", database]  # fmt: skip
    server = start(command, tmp_path, port, database)
    try:
        workers = server.workers()
        assert server.call("GET", "/api/chains", headers=_bearer(ADMIN)).status == 200
        assert "2 workers" in server.log.read_text()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(10) == 0, server.log.read_text()
    finally:
        stop(server)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    with pytest.raises(ConnectionRefusedError):
        server.call("GET", "/signin")


def test_sigterm_while_the_workers_start_stops_them_at_once() -> None:
    # A SIGTERM that reached a worker before it had put back the default handlers ran the
    # parent's handler there and was lost: that worker served on for the grace period.
    delays = ("0", "0.01", "0.03", "0.1")
    process = subprocess.Popen(
        [sys.executable, "-c", BARE, "8", *delays], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = process.communicate(timeout=45)
    finally:  # a worker left serving would outlive the test otherwise
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
    assert process.returncode == 0, err
    rounds = [line.split() for line in out.splitlines()]
    assert [code for code, _seconds in rounds] == ["0"] * len(delays), out
    assert max(float(seconds) for _code, seconds in rounds) < 10, out
