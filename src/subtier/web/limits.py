"""Request body limits, enforced before anything reads the body.

A body is refused with 413 when its ``Content-Length`` says it is too large, before a byte of it
is read; a body sent without a length (chunked) is counted as it arrives and cut off at the
limit. Sign-in and session routes take a few kilobytes, other forms and JSON a megabyte, and
the one upload route (attached documents) its own larger limit (``with_uploads``).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Path prefix → largest body in bytes; the first prefix that fits wins, the last is the rest.
DEFAULT_LIMITS: Sequence[tuple[str, int]] = (
    ("/api/sessions", 16 * 1024),
    ("/api/portal/claim", 16 * 1024),
    ("/signin", 16 * 1024),
    ("/invite/", 16 * 1024),
    ("/", 1024 * 1024),
)


# Uploads: the document, and room for the form's other fields and the multipart framing.
UPLOADS = "/portal/attachments"
UPLOAD_OVERHEAD = 64 * 1024


def with_uploads(
    document: int, limits: Sequence[tuple[str, int]] = DEFAULT_LIMITS
) -> Sequence[tuple[str, int]]:
    """The limits, with the upload route taking a document of ``document`` bytes."""
    return ((UPLOADS, document + UPLOAD_OVERHEAD), *limits)


class BodyTooLargeError(Exception):
    """The body went past its route's limit while it was being read."""


def limit_for(path: str, limits: Sequence[tuple[str, int]] = DEFAULT_LIMITS) -> int:
    """The largest body a request to ``path`` may send."""
    for prefix, size in limits:
        if path.startswith(prefix):
            return size
    return limits[-1][1]


async def _refuse(send: Send, limit: int) -> None:
    body = b'{"detail":"request body too large: at most %d bytes"}' % limit
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse request bodies larger than their route's limit (413), unread."""

    def __init__(self, app: ASGIApp, limits: Sequence[tuple[str, int]] = DEFAULT_LIMITS) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.limits)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1  # a length that is not a number is refused too
                if declared > limit:
                    await _refuse(send, limit)
                    return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLargeError:
            if not started:
                await _refuse(send, limit)
