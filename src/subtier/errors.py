"""Exceptions users can see. Every one names what was wrong and, where it can, where.

SubtierError
└── InputError       a user's file or argument is wrong (exit code 2)
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
