"""New invitation links, held for the session that made them between a POST and its GET.

The invite forms answer with a redirect (so that a refresh does not make another link), and the
page redirected to shows the link from here. Only the token's hash is in the database; the link
itself lives here, in memory shared by the server's worker processes (the GET may reach another
worker than the POST), for an hour, and only the session that made it can see it.
"""

from __future__ import annotations

import json
import struct
import time
from dataclasses import dataclass
from datetime import datetime

from subtier.app.shared import SharedSlots

HOLD = 3600.0  # seconds a new link stays on its page
# A slot: the key's hash, when the link is dropped (time.monotonic, one clock for the whole
# machine) and the length of the link's JSON, then the JSON. A supplier's name is at most 500
# characters (core.model.limits), so a link fits in a slot with room to spare.
_HEAD = struct.Struct("<QdI")
SLOT = 4096
_PROBES = 16


@dataclass(frozen=True)
class NewLink:
    url: str
    supplier: str
    expires: datetime
    email: str | None = None

    def encode(self) -> bytes:
        return json.dumps(
            [self.url, self.supplier, self.expires.isoformat(), self.email], ensure_ascii=False
        ).encode("utf-8")

    @classmethod
    def decode(cls, data: bytes) -> NewLink:
        url, supplier, expires, email = json.loads(data)
        return cls(url, supplier, datetime.fromisoformat(expires), email)


class Links:
    """New links by (session id, invitation id); when the slots a key may take are all held,
    the one dropped soonest goes first."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._table = SharedSlots(size, SLOT, "subtier-links-")

    def put(self, session: int, invitation: int, link: NewLink) -> None:
        data = link.encode()
        if _HEAD.size + len(data) > SLOT:
            return  # longer than any link the limits allow: not held (the page shows none)
        h, now = self._table.hash(f"{session}:{invitation}"), time.monotonic()
        with self._table.locked() as memory:
            # A link past its hour is as good as gone; the one dropped soonest goes first.
            chosen = self._table.choose(
                memory, h, _HEAD, _PROBES, lambda f: f[1] < now, lambda f: f[1]
            )
            start = chosen * SLOT
            _HEAD.pack_into(memory, start, h, now + HOLD, len(data))
            memory[start + _HEAD.size : start + _HEAD.size + len(data)] = data

    def get(self, session: int, invitation: int) -> NewLink | None:
        h, now = self._table.hash(f"{session}:{invitation}"), time.monotonic()
        with self._table.locked() as memory:
            for i in self._table.probe(h, _PROBES):
                owner, until, length = _HEAD.unpack_from(memory, i * SLOT)
                if owner == h:
                    if until < now:
                        return None
                    start = i * SLOT + _HEAD.size
                    return NewLink.decode(bytes(memory[start : start + length]))
        return None
