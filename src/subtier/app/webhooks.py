"""Webhooks: JSON posted to a buyer's URL, signed so that the receiver can tell it is ours.

The signature header is ``X-Subtier-Signature: t=<unix time>,v1=<hex>``, where ``<hex>`` is the
HMAC-SHA256, keyed with the hook's secret, of the time, a dot and the raw body. A receiver
recomputes it, compares in constant time, and refuses a time too far from its own clock, so an
old delivery cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from subtier.version import __version__

SIGNATURE = "X-Subtier-Signature"
TOLERANCE = 300  # seconds a receiver should accept between the signed time and its own


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the signature header for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode("utf-8"), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE) -> bool:
    """What a receiver does: is ``header`` our signature of ``body``, made recently?"""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    stamp = parts.get("t", "")
    if not stamp.isdigit() or abs(now - int(stamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, int(stamp), body), header)


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be a webhook, or None if it can."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "an http:// or https:// URL"
    if parts.username or parts.password:
        return "a URL without a user name or password in it"
    return None


class DeliveryError(Exception):
    """The receiver could not be reached or did not answer 2xx."""


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> int:
    """POST ``body`` to ``url``; the HTTP status on a 2xx answer, else DeliveryError."""
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("User-Agent", f"subtier/{__version__}")
    for name, value in headers.items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"the receiver answered HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"could not reach the receiver: {reason}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"the receiver answered HTTP {status}")
    return status
