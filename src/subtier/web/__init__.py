"""The web app: buyer's dashboard, vendor disclosure portal, JSON API (``subtier serve``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from subtier.app.security import new_token
from subtier.app.service import Service, Settings
from subtier.web import workers
from subtier.web.app import create_app


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    say: Callable[[str], None] = print,
    add_user: tuple[str, str] | None = None,
    team: str | None = None,
) -> None:
    """Run the app with uvicorn until interrupted; or, given ``add_user`` (name, password), add
    that buyer account and return.

    With no buyer account and no admin token, a one-time admin token is made up and shown, so
    that a fresh install can be signed into at once.
    """
    import uvicorn
    from sqlalchemy.engine import make_url

    service = Service(settings)
    if add_user is not None:
        with service.workspace:
            service.add_user(*add_user, team=team)
        say(f"added buyer account {add_user[0]!r}" + (f" to team {team!r}" if team else ""))
        return
    if settings.admin_token is None and service.portal.user_count() == 0:
        settings.admin_token = new_token()
        service.close()
        service = Service(settings)
        say(f"no buyer accounts yet: sign in with this admin token (valid until the server stops): {settings.admin_token}")  # fmt: skip
    service.warm()
    where = make_url(service.workspace.url).render_as_string(hide_password=True)
    app, options = create_app(service=service), uvicorn_options(settings)
    if settings.workers == 1:
        say(f"subtier serve: workspace {where}, http://{host}:{port}/")
        uvicorn.run(app, host=host, port=port, log_level="warning", **options)
        return
    sock = workers.listen(host, port)
    say(f"subtier serve: workspace {where}, http://{host}:{port}/, {settings.workers} workers")
    # Forked with no database connection open: each worker opens its own.
    code = workers.run(app, sock, settings.workers, options, say, service.workspace.engine.dispose)
    if code:
        raise SystemExit(code)


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What uvicorn is told about proxies. Its default believes X-Forwarded-For from any
    loopback peer; here only the proxies named are believed, by uvicorn (the client address
    it logs and hands the app) and by the app (its rate limits) alike."""
    proxies = list(settings.forwarded_allow_ips)
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or ""}


__all__ = ["Service", "Settings", "create_app", "serve", "uvicorn_options"]
