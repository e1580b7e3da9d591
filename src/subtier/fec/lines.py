"""The Schedule B lines of each report form (``data/fec-lines.yaml``): label, kind, summary column."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class LineInfo:
    """What one Schedule B line of one report form holds."""

    form: str  # F3, F3P or F3X
    line: str  # "23", "28A"
    label: str
    kind: str  # operating, transfer, loan, loan-repayment, refund, contribution, other
    vendor: bool  # its payees are vendors: tier-1 engagements of the committee
    summary: str | None  # the summary page's column for this line's total this period


@dataclass(frozen=True)
class FormInfo:
    form: str
    title: str
    lines: dict[str, LineInfo]
    total: str | None


@cache
def forms() -> dict[str, FormInfo]:
    text = resources.files("subtier.data").joinpath("fec-lines.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)["forms"]
    out: dict[str, FormInfo] = {}
    for form, spec in data.items():
        lines = {
            str(line).upper(): LineInfo(
                form=form,
                line=str(line).upper(),
                label=item["label"],
                kind=item["kind"],
                vendor=bool(item.get("vendor", False)),
                summary=item.get("summary"),
            )
            for line, item in spec["lines"].items()
        }
        out[form] = FormInfo(form, spec["title"], lines, spec.get("total"))
    return out


def form_family(form_type: str) -> str | None:
    """``F3PN`` → ``F3P``, ``F3XA`` → ``F3X``, ``F3N`` → ``F3``; None for other forms."""
    upper = form_type.strip().upper()
    for family in sorted(forms(), key=len, reverse=True):
        if upper.startswith(family):
            return family
    return None


def line_info(form: str, line: str) -> LineInfo:
    """The line's description; a line the table does not know is kind "other", not a vendor."""
    found = forms().get(form)
    info = found.lines.get(line) if found else None
    if info is not None:
        return info
    return LineInfo(form, line, f"line {line}", "other", False, None)


def line_sort_key(line: str) -> tuple[int, str]:
    digits = "".join(c for c in line if c.isdigit())
    return (int(digits) if digits else 999, line)
