"""The web app: the buyer's dashboard, the vendor portal and the JSON API, over one workspace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from subtier.app.security import RateLimiter
from subtier.app.service import (
    LockedError,
    NotFoundError,
    RateLimitedError,
    Service,
    Settings,
    TamperedError,
)
from subtier.core.disclosure.answers import FormError
from subtier.core.disclosure.authority import NotYoursError
from subtier.version import __version__
from subtier.web import api, exports, notify_api, notify_pages, pages, worklist
from subtier.web.attempts import AttemptLimit
from subtier.web.flash import Links
from subtier.web.limits import BodyLimit, with_uploads

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_CSP = [(b"content-security-policy", CSP.encode())]
_NO_STORE = [(b"cache-control", b"no-store")]
# By whether the path is a static file; built once.
_EXTRA = {static: _HEADERS + _CSP + ([] if static else _NO_STORE) for static in (False, True)}

API_DOCS = (
    "The interactive API explorer is off: FastAPI's Swagger UI loads its scripts and styles "
    "from a CDN, without integrity checks, and this site's content security policy allows "
    "none but its own. The API is described in full by /openapi.json (OpenAPI 3.1): open it "
    "with an OpenAPI viewer you run yourself. docs/web.md says how to call it."
)


class SecurityHeaders:
    """Headers on every response: no framing, no sniffing, no referrer (links carry tokens),
    nothing cached (pages show what one party may see)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        extra = _EXTRA[path.startswith("/static/")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    """The app over a workspace. Pass a Service to share one between apps (tests do)."""
    settings = settings or (service.settings if service else Settings())
    threads = settings.threads

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Handlers run in the thread pool, and nearly all of their work holds the GIL: a few
        # threads serve requests about in the order they came, where anyio's default of 40
        # would share the one core among them all and keep each waiting.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        # Deliveries are sent while the app runs, off the request path.
        notifier = _app.state.service.notifier
        notifier.start()
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(notifier.stop)

    app = FastAPI(
        lifespan=lifespan,
        title="subtier",
        version=__version__,
        description="Buyer's dashboard and vendor disclosure portal for multi-tier service chains.",
        docs_url=None,  # see API_DOCS
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.service = service or Service(settings)
    app.state.threads = threads  # see common.on_loop
    app.state.limiter = RateLimiter(settings.rate_limit)
    app.state.pages = pages.PageCache[list[bytes]]()
    app.state.links = Links()
    app.include_router(pages.router)
    app.include_router(worklist.router)
    app.include_router(exports.router)
    app.include_router(notify_pages.router)
    app.include_router(api.router)
    app.include_router(notify_api.router)
    static = resources.files("subtier.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(SecurityHeaders)
    # Added last, so they run first: a body too large is refused before anything reads it,
    # and an attempt at a secret is counted before that.
    app.add_middleware(BodyLimit, limits=with_uploads(settings.attachment_limit))
    app.add_middleware(
        AttemptLimit, limiter=app.state.limiter, proxies=settings.forwarded_allow_ips
    )

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        return pages.message(request, 200, "The API", API_DOCS, "/openapi.json", "openapi.json")

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(NotFoundError)
    def not_found(request: Request, error: NotFoundError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(error)}, 404)
        return pages.message(request, 404, "Not found", str(error))

    @app.exception_handler(TamperedError)
    def tampered(request: Request, error: TamperedError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(error)}, 409)
        return pages.message(request, 409, "Changed after it was saved", str(error))

    @app.exception_handler(LockedError)
    def locked(request: Request, error: LockedError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(error)}, 409)
        return pages.message(request, 409, "Signed", str(error))

    @app.exception_handler(NotYoursError)
    def not_yours(request: Request, error: NotYoursError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(error)}, 403)
        return pages.message(request, 403, "Not yours to change", str(error))

    @app.exception_handler(RateLimitedError)
    def too_many(request: Request, error: RateLimitedError) -> Response:
        headers = {"Retry-After": "60"}
        if is_api(request):
            return JSONResponse({"detail": str(error)}, 429, headers)
        response = pages.message(request, 429, "Too many attempts", str(error))
        response.headers.update(headers)
        return response

    @app.exception_handler(FormError)
    def field_errors(request: Request, error: FormError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": error.errors}, 422)
        return pages.message(request, 422, "Not accepted", str(error))

    @app.exception_handler(RequestValidationError)
    def bad_request(request: Request, error: RequestValidationError) -> Response:
        if is_api(request):
            detail: Any = [
                {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()
            ]
            return JSONResponse({"detail": detail}, 422)
        return pages.message(request, 422, "Not accepted", "The request was not understood.")

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if is_api(request) or error.status_code == 405:
            return JSONResponse({"detail": error.detail}, error.status_code, error.headers)
        response = pages.message(request, error.status_code, "Refused", str(error.detail))
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(pages.SignInRequiredError)
    def sign_in_needed(request: Request, _error: pages.SignInRequiredError) -> Response:
        if request.method == "GET":
            return RedirectResponse(f"/signin?next={request.url.path}", 303)
        return pages.message(request, 401, "Sign in", "Sign in first.", "/signin", "Sign in")

    @app.exception_handler(pages.PortalSessionRequiredError)
    def portal_needed(request: Request, _error: pages.PortalSessionRequiredError) -> Response:
        return pages.message(
            request, 401, "No portal session",
            "Open the portal with the invitation link you were sent. If it was used already, "
            "ask whoever invited you for a new one.",
        )  # fmt: skip

    return app
