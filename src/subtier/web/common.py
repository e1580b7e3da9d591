"""What pages and the API share: the service, cookies, rate limits."""
# Attempts at secrets are counted by subtier.web.attempts, before a request is read.

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from subtier.app.security import RateLimiter
from subtier.app.service import Service
from subtier.web.attempts import client_key

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class TooMany(HTTPException):
    def __init__(self) -> None:
        super().__init__(429, "too many attempts; wait a minute", headers={"Retry-After": "60"})


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def secure(request: Request) -> bool:
    """Cookies are Secure unless set so, or served over plain http to a loopback address."""
    setting = service(request).settings.secure_cookies
    if setting is not None:
        return setting
    return request.url.scheme == "https" or (request.url.hostname or "") not in LOOPBACK


def cookie_name(request: Request, base: str) -> str:
    # __Host- cookies are only sent to this exact host, over https, for every path.
    return f"__Host-{base}" if secure(request) else base


def limit(request: Request, bucket: str) -> None:
    """Refuse a client that tries too often, counted in ``bucket`` (for routes beyond the
    sign-in and link routes, which subtier.web.attempts counts before they are read)."""
    limiter: RateLimiter = request.app.state.limiter
    proxies = service(request).settings.forwarded_allow_ips
    if not limiter.allow(f"{bucket}:{client_key(request.scope, proxies)}"):
        raise TooMany()


P = ParamSpec("P")
R = TypeVar("R")


def on_loop(func: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """A handler (or a dependency) run on the event loop itself, not handed to the thread
    pool, when the server handles one request at a time (``--threads 1``, the default).

    Handlers hold the GIL for nearly all their work, so a thread of their own gains nothing
    while they run; and handing each one to a thread and its answer back cost more than the
    work itself. On the load benchmark a cached dashboard took about 5 ms of CPU through the
    pool and under 2 ms on the loop. The routes that wait without holding the GIL stay in the
    pool: signing in (scrypt), inviting (which may wait on the mail server), the PDF report
    and documents. With ``--threads`` above 1 (a
    database across a network, whose answers are waited for), every handler goes to the pool
    as before."""

    @functools.wraps(func)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        request = next((v for v in (*args, *kwargs.values()) if isinstance(v, Request)), None)
        if request is not None and request.app.state.threads > 1:
            return await run_in_threadpool(func, *args, **kwargs)
        return func(*args, **kwargs)

    return run
