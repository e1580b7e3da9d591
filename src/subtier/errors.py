"""Exceptions users can see. Every one names what was wrong and, where it can, where.

SubtierError
├── InputError       a user's file or argument is wrong (exit code 2)
└── OutputError      the output cannot be written where it was asked to go (exit code 3)

Exit codes of the command line: 0 clean; 1 findings at or above ``--fail-on`` (or a check
that failed: ``audit verify``); 2 bad input; 3 an internal error, or output that could not be
written (one line; the traceback with ``--debug``).
"""

from __future__ import annotations


class SubtierError(Exception):
    """Base class of the errors subtier raises on purpose."""


class InputError(SubtierError):
    """Bad input: names the file, line and field where it can."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
        elif self.line:
            where = f"line {self.line}"
        if self.field:
            where = f"{where}: {self.field}" if where else self.field
        return f"{where}: {self.message}" if where else self.message


class OutputError(SubtierError):
    """The output cannot be written: names the path and why (permission, no space, ...)."""

    def __init__(self, reason: str, *, file: str | None = None) -> None:
        self.reason = reason
        self.file = file
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"cannot write {self.file}: {self.reason}" if self.file else self.reason
