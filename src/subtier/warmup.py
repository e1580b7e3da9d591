"""Building the normalization tables in a thread while the lists load.

rigour builds its transliteration, legal-form and address tables on first use (about 0.4 s),
in native code that lets other threads run meanwhile. Started first, the build overlaps with
reading the lists. Anything that forks waits for it first: a forked child would otherwise
inherit half-built tables, and forking while a thread runs is unsafe.
"""

from __future__ import annotations

import threading

from subtier.screen.record import load_tables

_tables: threading.Thread | None = None


def begin() -> None:
    """Start building the tables in a thread (once per process)."""
    global _tables
    if _tables is None:
        _tables = threading.Thread(target=load_tables, name="subtier-tables", daemon=True)
        _tables.start()


def wait() -> None:
    """Wait until the tables started by ``begin`` are built (at once if it was never called)."""
    if _tables is not None:
        _tables.join()


def can_fork() -> bool:
    """Whether this process may fork: the tables are built and no other thread runs."""
    wait()
    return threading.active_count() == 1
