"""Which form types each FEC format version defines, and how many columns each has.

The table (``data/fec-forms.yaml``) is FastFEC's own, so a line that passes here is a line
FastFEC parses; one that does not would be skipped by FastFEC without a word.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml


@cache
def _table() -> tuple[tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], int], ...]], ...]:
    text = resources.files("subtier.data").joinpath("fec-forms.yaml").read_text("utf-8")
    forms: dict[str, dict[str, int]] = yaml.safe_load(text)["forms"]
    return tuple(
        (re.compile(form), tuple((re.compile(v), n) for v, n in versions.items()))
        for form, versions in forms.items()
    )


def columns(form_type: str, version: str) -> int | None:
    """How many columns ``form_type`` has in format ``version``; None if it is not defined."""
    lowered = form_type.lower()
    for form, versions in _table():
        if form.search(lowered):
            for pattern, count in versions:
                if pattern.search(version):
                    return count
            return None
    return None


def known_version(version: str) -> bool:
    """A format version FastFEC reads: its header record is defined."""
    return columns("HDR", version) is not None


@cache
def _amounts() -> tuple[tuple[re.Pattern[str], int], ...]:
    text = resources.files("subtier.data").joinpath("fec-forms.yaml").read_text("utf-8")
    found: dict[str, int] = yaml.safe_load(text)["amounts"]
    return tuple((re.compile(v), n) for v, n in found.items())


def amount_column(version: str) -> int | None:
    """Where a Schedule B line of format ``version`` holds its amount (0-based)."""
    for pattern, index in _amounts():
        if pattern.search(version):
            return index
    return None
