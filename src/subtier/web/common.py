"""What pages and the API share: the service, cookies, rate limits."""
# Attempts at secrets are counted by subtier.web.attempts, before a request is read.

from __future__ import annotations

from fastapi import HTTPException, Request

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
