"""New invitation links, held for the session that made them between a POST and its GET.

The invite forms answer with a redirect (so that a refresh does not make another link), and the
page redirected to shows the link from here. Only the token's hash is in the database; the link
itself lives here, in memory, for an hour, and only the session that made it can see it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

HOLD = 3600.0  # seconds a new link stays on its page


@dataclass(frozen=True)
class NewLink:
    url: str
    supplier: str
    expires: datetime
    email: str | None = None


class Links:
    """New links by (session id, invitation id), the oldest dropped first."""

    def __init__(self, size: int = 1000) -> None:
        self.size = size
        self._links: OrderedDict[tuple[int, int], tuple[float, NewLink]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, session: int, invitation: int, link: NewLink) -> None:
        with self._lock:
            self._links[(session, invitation)] = (time.monotonic() + HOLD, link)
            while len(self._links) > self.size:
                self._links.popitem(last=False)

    def get(self, session: int, invitation: int) -> NewLink | None:
        with self._lock:
            found = self._links.get((session, invitation))
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]
