"""Attempts at a secret (a password, an admin token, an invitation link) counted per client,
on every attempt, before anything reads the request.

Sign-in by page and by API share one bucket, and so do the page and the API that claim an
invitation link: a client cannot double its guesses by using both. A request is counted when
it arrives, whatever comes of it (a wrong password, a form that does not parse, a body too
large): counting after parsing let malformed guesses through uncounted. Per account, sign-in
is counted by the service as well, for pages and API alike.

The client is the connection's peer address, or, from a proxy named in
``--forwarded-allow-ips``, the last address in ``X-Forwarded-For`` that is not one of those
proxies. By default no proxy is trusted, so a client cannot name itself anew on each attempt.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from subtier.app.security import RateLimiter

SIGNIN, CLAIM = "signin", "claim"


def bucket(method: str, path: str) -> str | None:
    """The bucket a request counts against, if it tries a secret."""
    if method == "POST" and path in ("/signin", "/api/sessions"):
        return SIGNIN
    if path.startswith("/invite/") or (method == "POST" and path == "/api/portal/claim"):
        return CLAIM
    return None


def _trusted(address: str, proxies: Sequence[str]) -> bool:
    return "*" in proxies or address in proxies


def client_key(scope: Scope, proxies: Sequence[str] = ()) -> str:
    """Who is asking: the peer, or the client a trusted proxy forwarded for."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not proxies or not _trusted(peer, proxies):
        return peer
    forwarded: list[str] = [
        part.strip()
        for name, value in scope.get("headers", ())
        if name == b"x-forwarded-for"
        for part in value.decode("latin-1").split(",")
        if part.strip()
    ]
    # Read from the right: each trusted proxy appended the address it was reached from.
    for address in reversed(forwarded):
        if not _trusted(address, proxies):
            return address
    return forwarded[0] if forwarded else peer


async def _refuse(scope: Scope, send: Send) -> None:
    api = str(scope["path"]).startswith("/api/")
    body = (
        b'{"detail":"too many attempts; wait a minute"}'
        if api
        else b"<!doctype html><title>Too many attempts</title><p>Too many attempts; wait a minute."
    )
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json" if api else b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"60"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AttemptLimit:
    """Refuse (429) a client's attempts past the limit, before the request is read."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, proxies: Sequence[str] = ()) -> None:
        self.app = app
        self.limiter = limiter
        self.proxies = tuple(proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            name = bucket(scope["method"], scope["path"])
            if name is not None and not self.limiter.allow(
                f"{name}:{client_key(scope, self.proxies)}"
            ):
                await _refuse(scope, send)
                return
        await self.app(scope, receive, send)
