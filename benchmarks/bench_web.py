"""Benchmark: the web app under load on loopback (goal: no errors, p95 under 200 ms).

Starts `subtier serve`'s app in its own process on a fresh SQLite workspace, sets up a chain
with one invited vendor per submitting client, then runs 50 concurrent clients for 60 s or
until the request cap is reached, whichever comes first. Each client is a closed loop: it sends
its next request as soon as it has read the whole answer to the last one, with no pause.

- dashboard clients load the buyer's dashboard page (GET /chains/KEY, signed in); every
  other one with a filter and a sort (GET /chains/KEY?severity=...&sort=tier);
- submission clients post the vendor portal's site form, save the step, post the delete form
  and save the step again, in turn (each saved step is a new chain version, checked at once;
  the form posts are drafts).

Prints p50, p95 and max latency, requests and errors for each route. The baseline, measured
in the same run just before the load, is GET /static/style.css from 5 clients: the server's
floor for a request.

The clients are lean so that the load generator, which shares the machine with the server,
takes as little CPU as it can: each keeps one HTTP/1.1 connection open, sends requests prepared
once as bytes, and reads the status line, the headers and the whole body by its length. A
request counts as an error when its status is not the expected one, when an answer is cut
short or cannot be read, or after 30 s without an answer.

The server runs with one worker process, as `subtier serve` does by default; ``--workers N``
runs N, and the CPU printed is then that of every worker.

``--chain FILE`` loads the dashboard with a chain of one's own (saved with ``subtier add``
before the server starts) instead of an empty one; the submitting vendors join it.

    python benchmarks/bench_web.py [--clients 50] [--submitters 10] [--seconds 60] [--cap 20000]
                                   [--workers N] [--chain FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx

ADMIN = "bench-admin-token-0123456789"
# What `subtier serve` runs, with the rate limits of the token endpoints lifted for the setup.
SERVER = """
import sys
from subtier.web import Settings, serve
settings = Settings(database=sys.argv[1], admin_token=sys.argv[2], rate_limit=10**9,
                    workers=int(sys.argv[4]))
serve(settings, host="127.0.0.1", port=int(sys.argv[3]), say=lambda _text: None)
"""
CSRF = re.compile(r'name="csrf" value="([^"]*)"')
TIMEOUT = 30.0


@dataclass
class Route:
    name: str
    times: list[float] = field(default_factory=list)
    errors: int = 0


@dataclass
class Budget:
    cap: int
    until: float
    used: int = 0

    def take(self) -> bool:
        if self.used >= self.cap or time.monotonic() >= self.until:
            return False
        self.used += 1
        return True


def get(path: str, cookie: str = "") -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def post(path: str, cookie: str, form: dict[str, str]) -> bytes:
    body = urlencode(form)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return (head + body).encode("ascii")


class Connection:
    """One keep-alive HTTP/1.1 connection; reopened if the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def _exchange(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, close = 0, False
        for line in head.lower().split(b"\r\n")[1:]:
            if line.startswith(b"content-length:"):
                length = int(line[15:])
            elif line.startswith(b"transfer-encoding:"):
                raise ValueError("a chunked answer")  # the app always sends a length
            elif line == b"connection: close":
                close = True
        body = await self.reader.readexactly(length)
        if close:
            await self.close()
        return status, body

    async def send(self, route: Route, request: bytes, ok: int, end: bytes = b"") -> None:
        """One request, timed from sending it to having read the whole answer."""
        start = time.perf_counter()
        try:
            async with asyncio.timeout(TIMEOUT):
                status, body = await self._exchange(request)
            if status != ok or not body.endswith(end):
                route.errors += 1
        except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError):
            route.errors += 1
            await self.close()
        route.times.append(time.perf_counter() - start)


FILTERED = "/chains/bench?severity=critical&severity=high&severity=medium&sort=tier"


async def dashboard_client(
    port: int, cookie: str, budget: Budget, route: Route, path: str = "/chains/bench"
) -> None:
    conn, request = Connection(port), get(path, f"subtier_session={cookie}")
    while budget.take():
        await conn.send(route, request, 200, b"</html>")
    await conn.close()


async def submit_client(
    port: int, cookie: str, csrf: str, n: int, budget: Budget, add: Route, remove: Route,
    save: Route,
) -> None:  # fmt: skip
    form = {"csrf": csrf, "name": f"Site {n}", "address": f"{100 + n} Main St",
            "city": "Tulsa", "state": "OK", "zip": "74103"}  # fmt: skip
    jar = f"subtier_portal={cookie}"
    adding = post("/portal/sites", jar, form)
    removing = post(f"/portal/sites/site-{n}/delete", jar, {"csrf": csrf})
    saving = post("/portal/steps/sites", jar, {"csrf": csrf})
    conn = Connection(port)
    steps = ((add, adding), (save, saving), (remove, removing), (save, saving))
    while True:
        for route, request in steps:
            if not budget.take():
                await conn.close()
                return
            await conn.send(route, request, 303)


async def baseline_client(port: int, budget: Budget, route: Route) -> None:
    conn, request = Connection(port), get("/static/style.css")
    while budget.take():
        await conn.send(route, request, 200)
    await conn.close()


def setup(base: str, submitters: int, seeded: bool) -> tuple[str, list[tuple[str, str]]]:
    """A chain (the one saved before the server started, if ``seeded``) with one vendor per
    submitting client; the buyer's session token, and each vendor's session token with its
    CSRF token."""
    auth = {"Authorization": f"Bearer {ADMIN}"}
    with httpx.Client(base_url=base, timeout=30) as http:
        if not seeded:
            made = http.post(
                "/api/chains", json={"name": "Bench", "buyer": "Buyer", "key": "bench"},
                headers=auth,
            )  # fmt: skip
            made.raise_for_status()
        vendors = []
        for i in range(submitters):
            link = http.post(
                "/api/chains/bench/invitations",
                json={"supplier": f"Vendor {i}", "service": "calls"},
                headers=auth,
            )
            link.raise_for_status()
            claimed = http.post("/api/portal/claim", json={"token": link.json()["token"]})
            claimed.raise_for_status()
            token = claimed.json()["token"]
            page = http.get("/portal", cookies={"subtier_portal": token})
            found = CSRF.search(page.text)
            assert found, "no portal page"
            vendors.append((token, found.group(1)))
        page = http.get("/signin")
        csrf = CSRF.search(page.text)
        assert csrf
        signed = http.post("/signin", data={"csrf": csrf.group(1), "admin_token": ADMIN})
        assert signed.status_code == 303, signed.text
        buyer = http.cookies["subtier_session"]
    return buyer, vendors


def report(route: Route) -> str:
    if not route.times:
        return f"{route.name:<28} no requests"
    ms = sorted(t * 1000 for t in route.times)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (
        f"{route.name:<28} {len(ms):>6} requests  p50 {statistics.median(ms):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms  errors {route.errors}"
    )


def _stat(path: Path) -> list[str]:
    try:
        return path.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def cpu_seconds(pid: int) -> float:
    """User and system CPU time so far of a process and its live children (the server's
    workers), from /proc (0 where there is none)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat(stat)
        if fields and (stat.parent.name == str(pid) or fields[1] == str(pid)):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def load(
    args: argparse.Namespace,
    port: int,
    server: int,
    buyer: str,
    vendors: list[tuple[str, str]],
) -> None:
    floor = Route("baseline GET /static")
    await asyncio.gather(
        *(baseline_client(port, Budget(100, time.monotonic() + 10), floor) for _ in range(5))
    )
    dash = Route("GET /chains/KEY (dashboard)")
    filtered = Route("GET /chains/KEY?severity=..&sort=tier")
    add = Route("POST /portal/sites (draft)")
    remove = Route("POST /portal/sites/ID/delete (draft)")
    save = Route("POST /portal/steps/sites (a version)")
    budget = Budget(args.cap, time.monotonic() + args.seconds)
    started, cpu, server_cpu = time.monotonic(), time.process_time(), cpu_seconds(server)
    clients = [
        submit_client(port, *vendors[i], i, budget, add, remove, save)
        for i in range(args.submitters)
    ]
    clients += [
        dashboard_client(port, buyer, budget, *((dash,) if i % 2 else (filtered, FILTERED)))
        for i in range(args.clients - args.submitters)
    ]
    await asyncio.gather(*clients)
    took, used = time.monotonic() - started, time.process_time() - cpu
    served = cpu_seconds(server) - server_cpu
    n = max(budget.used, 1)
    print(f"{budget.used} requests in {took:.1f} s ({budget.used / took:.0f}/s), "
          f"{args.clients} clients ({args.submitters} submitting), load average "
          f"{os.getloadavg()[0]:.2f} at the end")  # fmt: skip
    print(f"CPU: the server ({args.workers} worker(s)) {served:.1f} s ({served / n * 1e3:.2f} ms a request, "
          f"{served / took:.2f} cores), the load generator {used:.1f} s "
          f"({used / n * 1e3:.2f} ms a request)")  # fmt: skip
    for route in (floor, dash, filtered, add, remove, save):
        print(report(route))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--submitters", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--cap", type=int, default=20_000, help="total requests, at most")
    parser.add_argument("--workers", type=int, default=1,
                        help="server worker processes (default 1, as `subtier serve`)")  # fmt: skip
    parser.add_argument("--chain", type=Path,
                        help="a chain file to load the dashboard with (e.g. "
                             "examples/procom-2019.yaml); the vendors are added to it")  # fmt: skip
    args = parser.parse_args()
    print(f"nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        if args.chain is not None:
            subprocess.run(
                [sys.executable, "-m", "subtier", "add", str(args.chain), "--as", "bench",
                 "--database", f"sqlite:///{folder}/web.db", "--by", "bench"],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            print(f"chain: {args.chain}")
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SERVER,
                f"sqlite:///{folder}/web.db",
                ADMIN,
                str(port),
                str(args.workers),
            ]
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{base}/signin", timeout=1)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            buyer, vendors = setup(base, args.submitters, args.chain is not None)
            asyncio.run(load(args, port, server.pid, buyer, vendors))
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
