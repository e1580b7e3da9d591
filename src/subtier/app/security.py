"""Passwords, tokens and rate limits.

Passwords are hashed with scrypt (memory-hard, in the standard library). Tokens are 256 random
bits, so a plain SHA-256 of one is as good as a slow hash and lets the server find it by index.
"""

from __future__ import annotations

import hashlib
import hmac
import mmap
import secrets
import struct
import time
from collections.abc import Callable

from subtier.app.shared import SharedSlots

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual.hex(), digest)


# Checked against when a user name is unknown, so that a miss takes as long as a wrong password.
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two secrets; never true for a missing one."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class RateLimiter:
    """At most about ``limit`` attempts per ``window`` seconds per key (a bucket and a client,
    or an account), shared by every worker process of one server (``subtier.app.shared``).

    A client gets no more attempts from a server with four workers than from one with one.
    Each key holds the counts of this window and the one before, and an attempt is allowed
    while the count of this window plus the part of the last one still within ``window``
    seconds stays under ``limit`` (a sliding window). Keys are kept by a 64-bit hash in a fixed
    number of slots; when the slots a key may use are all taken by live keys, the one seen
    longest ago is forgotten, as an idle key would be. The hash is keyed with a secret of the
    table's own, so that no one can choose names that land on an account's slots.
    """

    _SLOT = struct.Struct("<QqII")  # key hash (0: free), window number, this window, the last
    _PROBES = 16

    def __init__(
        self, limit: int, window: float = 60.0, slots: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.limit = limit
        self.window = window
        self._table = SharedSlots(slots, self._SLOT.size, "subtier-limits-")
        self._clock = clock  # one clock for every process on the machine

    def allow(self, key: str) -> bool:
        h = self._table.hash(key)
        with self._table.locked() as memory:
            # Read under the lock: a time read before it could be older than one another
            # process has since written, and writing its window back would reset the counts.
            now = self._clock()
            number = int(now // self.window)
            # How much of the last window still lies within ``window`` seconds of now.
            weight = 1.0 - (now - number * self.window) / self.window
            return self._allow(memory, h, number, weight)

    def _allow(self, memory: mmap.mmap, h: int, number: int, weight: float) -> bool:
        size, slot = self._SLOT.size, self._SLOT
        # A slot idle for a whole window is as good as free.
        chosen = self._table.choose(
            memory, h, slot, self._PROBES, lambda f: f[1] < number - 1, lambda f: f[1]
        )
        owner, at, this, last = slot.unpack_from(memory, chosen * size)
        if owner == h and at > number:
            # A time older than the key's window (a clock read late): never move a window
            # back, which would start its counts afresh; the whole last window counts.
            number, weight = at, 1.0
        if owner != h or at < number - 1:
            this = last = 0
        elif at == number - 1:
            this, last = 0, this
        if this + last * weight >= self.limit:
            slot.pack_into(memory, chosen * size, h, number, this, last)
            return False
        slot.pack_into(memory, chosen * size, h, number, min(this + 1, 2**32 - 1), last)
        return True
