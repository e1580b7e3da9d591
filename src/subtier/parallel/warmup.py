"""Building the normalization tables in a thread while the lists load.

rigour builds its transliteration, legal-form and address tables on first use (about 0.25 s),
in native code that lets other threads run meanwhile. Started first, the build overlaps with
importing the command line and reading the lists (see ``normalize.tables``). Anything that
forks waits for it first: a forked child would otherwise inherit half-built tables, and
forking while a thread runs is unsafe.
"""

from __future__ import annotations

import threading

# The commands the command line starts the build for before it has finished importing itself.
# Only `screen`: it needs every table for a roster of any size. `check` is quicker left to build
# what its few sites need, when they need it (0.62 s against 0.71 s for the example chain).
COMMANDS = frozenset({"screen"})

_tables: threading.Thread | None = None


def begin() -> None:
    """Start building the tables in a thread (once per process). The thread imports what
    builds them, so that this returns at once, whatever has been imported so far."""
    global _tables
    if _tables is None:
        _tables = threading.Thread(target=_build, name="subtier-tables", daemon=True)
        _tables.start()


def started() -> bool:
    """Whether ``begin`` has been called in this process."""
    return _tables is not None


def _build() -> None:
    from subtier.core.normalize.tables import load_tables

    load_tables()


def wait() -> None:
    """Wait until the tables started by ``begin`` are built (at once if it was never called)."""
    if _tables is not None:
        _tables.join()


def can_fork() -> bool:
    """Whether this process may fork: the tables are built and no other thread runs."""
    wait()
    return threading.active_count() == 1
