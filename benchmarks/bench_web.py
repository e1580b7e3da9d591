"""Benchmark: the web app under load on loopback (goal: no errors, p95 under 200 ms).

Starts `subtier serve`'s app in its own process on a fresh SQLite workspace, sets up a chain
with one invited vendor per submitting client, then runs 50 concurrent clients for 60 s or
until the request cap is reached, whichever comes first:

- dashboard clients load the buyer's dashboard page (GET /chains/KEY, signed in);
- submission clients post the vendor portal's site form and its delete form in turn
  (each accepted post is a new chain version, checked at once).

Prints p50, p95 and max latency, requests and errors for each route. The baseline, measured
in the same run, is GET /static/style.css: the server's floor for a request.

    python benchmarks/bench_web.py [--clients 50] [--submitters 10] [--seconds 60] [--cap 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import httpx

ADMIN = "bench-admin-token-0123456789"
SERVER = """
import sys, uvicorn
from subtier.web import Settings, create_app
settings = Settings(database=sys.argv[1], admin_token=sys.argv[2], rate_limit=10**9)
app = create_app(settings)
app.state.service.warm()
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
"""
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


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


async def _timed(route: Route, call: asyncio.Future[httpx.Response] | object, ok: int) -> None:
    start = time.perf_counter()
    try:
        response = await call  # type: ignore[misc]
        if response.status_code != ok:
            route.errors += 1
    except httpx.HTTPError:
        route.errors += 1
    route.times.append(time.perf_counter() - start)


async def dashboard_client(base: str, cookie: str, budget: Budget, route: Route) -> None:
    async with httpx.AsyncClient(base_url=base, cookies={"subtier_session": cookie}) as http:
        while budget.take():
            await _timed(route, http.get("/chains/bench"), 200)


async def submit_client(
    base: str, cookie: str, n: int, budget: Budget, add: Route, remove: Route
) -> None:
    async with httpx.AsyncClient(base_url=base, cookies={"subtier_portal": cookie}) as http:
        page = await http.get("/portal")
        csrf = CSRF.search(page.text)
        assert csrf, "no portal page"
        form = {"csrf": csrf.group(1), "name": f"Site {n}", "address": f"{100 + n} Main St",
                "city": "Tulsa", "state": "OK", "zip": "74103"}  # fmt: skip
        site = f"site-{n}"
        while budget.take():
            await _timed(add, http.post("/portal/sites", data=form), 303)
            if not budget.take():
                break
            await _timed(
                remove, http.post(f"/portal/sites/{site}/delete", data={"csrf": form["csrf"]}), 303
            )


async def baseline_client(base: str, budget: Budget, route: Route) -> None:
    async with httpx.AsyncClient(base_url=base) as http:
        while budget.take():
            await _timed(route, http.get("/static/style.css"), 200)


def setup(base: str, submitters: int) -> tuple[str, list[str]]:
    """A chain with one vendor per submitting client; the buyer's and vendors' session tokens."""
    auth = {"Authorization": f"Bearer {ADMIN}"}
    with httpx.Client(base_url=base, timeout=30) as http:
        made = http.post("/api/chains", json={"name": "Bench", "buyer": "Buyer", "key": "bench"},
                         headers=auth)  # fmt: skip
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
            vendors.append(claimed.json()["token"])
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


async def load(args: argparse.Namespace, base: str, buyer: str, vendors: list[str]) -> None:
    floor = Route("baseline GET /static")
    await asyncio.gather(
        *(baseline_client(base, Budget(100, time.monotonic() + 10), floor) for _ in range(5))
    )
    dash = Route("GET /chains/KEY (dashboard)")
    add = Route("POST /portal/sites")
    remove = Route("POST /portal/sites/ID/delete")
    budget = Budget(args.cap, time.monotonic() + args.seconds)
    started = time.monotonic()
    clients = [
        submit_client(base, vendors[i], i, budget, add, remove) for i in range(args.submitters)
    ]
    clients += [
        dashboard_client(base, buyer, budget, dash) for _ in range(args.clients - args.submitters)
    ]
    await asyncio.gather(*clients)
    took = time.monotonic() - started
    print(f"{budget.used} requests in {took:.1f} s ({budget.used / took:.0f}/s), "
          f"{args.clients} clients ({args.submitters} submitting)")  # fmt: skip
    for route in (floor, dash, add, remove):
        print(report(route))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--submitters", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--cap", type=int, default=20_000, help="total requests, at most")
    args = parser.parse_args()
    print(f"nproc {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, f"sqlite:///{folder}/web.db", ADMIN, str(port)]
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
            buyer, vendors = setup(base, args.submitters)
            asyncio.run(load(args, base, buyer, vendors))
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
