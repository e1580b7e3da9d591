"""The command line: typer declarations, a module per command group. Each command calls one
application function (``subtier.app``) and composes nothing itself."""

from __future__ import annotations

import os
import sys

from subtier.parallel import warmup

# numpy starts a pool of BLAS threads when it is imported, and subtier never multiplies a
# matrix: the idle pool spins for a while (0.1 s of CPU a screening run) and every forked
# worker stops it again. numpy is imported after this, by the commands that use it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if sys.argv[1:2] and sys.argv[1] in warmup.COMMANDS:
    # Building rigour's tables takes 0.3 s, in native code that lets Python run: begun here,
    # it overlaps with importing the rest of the command line instead of following it.
    warmup.begin()

# Imported for their commands, in the order `subtier --help` lists them.
from subtier.cli import check, screen, lists, chains, monitor, audit, contracts, files  # noqa: F401, I001
from subtier.cli import entry
from subtier.cli import serve, teams, fec, invite  # noqa: F401
from subtier.cli.common import app

main = entry.main

__all__ = ["app", "main"]
