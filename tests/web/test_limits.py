"""Request bodies past their route's limit get 413, unread."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from subtier.web.limits import BodyLimit, limit_for


def _run(app: Any, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[int, int]:
    """Status of the response, and how many body chunks the app was handed."""
    reads = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        chunk = chunks[reads - 1] if reads <= len(chunks) else b""
        return {"type": "http.request", "body": chunk, "more_body": reads < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/sessions", "headers": headers}
    # In a thread of its own: the browser tests' plugin keeps an event loop running here.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    return sent[0]["status"], reads


async def _reader(scope: Any, receive: Any, send: Any) -> None:
    """An app that reads its whole body, then answers 200."""
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def test_a_declared_60_mb_body_is_refused_unread() -> None:
    status, reads = _run(BodyLimit(_reader), [(b"content-length", b"60000000")], [b"x"])
    assert status == 413
    assert reads == 0  # not a byte of it was read


def test_a_chunked_body_is_cut_off_at_the_limit() -> None:
    chunks = [b"x" * 8192] * 10  # 80 KB, sent without a length
    status, reads = _run(BodyLimit(_reader), [], chunks)
    assert status == 413
    assert reads < len(chunks)


def test_small_bodies_pass() -> None:
    assert _run(BodyLimit(_reader), [(b"content-length", b"100")], [b"x" * 100]) == (200, 1)
    assert limit_for("/api/sessions") < limit_for("/api/chains")


def test_the_app_refuses_a_large_sign_in(app: FastAPI) -> None:
    client = TestClient(app)
    done = client.post("/api/sessions", content=b"{" + b" " * 40_000 + b"}",
                       headers={"content-type": "application/json"})  # fmt: skip
    assert done.status_code == 413
    assert "too large" in done.json()["detail"]
