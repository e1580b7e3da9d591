"""Purposes into service categories, by the declared rules in ``data/fec-categories.yaml``.

Pure and row-independent: :func:`classify_batch` takes a column of purposes and returns a
column of category ids, so it runs as it is in a vectorized UDF.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from subtier.errors import InputError

OTHER = "other"
_NOT_WORD = re.compile(r"[^A-Z0-9]+")


@dataclass(frozen=True, slots=True)
class Category:
    """A service category: what it is, and for labor-intensive ones why they matter and what to ask."""

    id: str
    label: str
    labor_intensive: bool = False
    why: str = ""
    ask: str = ""


@dataclass(frozen=True)
class Rules:
    categories: tuple[Category, ...]
    patterns: tuple[tuple[re.Pattern[str], Category], ...]

    @property
    def by_id(self) -> dict[str, Category]:
        return {c.id: c for c in (*self.categories, OTHER_CATEGORY)}


OTHER_CATEGORY = Category(OTHER, "other or not stated")


def _parse(data: Any, name: str) -> Rules:
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise InputError("expected a mapping with a 'categories' list", file=name)
    categories: list[Category] = []
    patterns: list[tuple[re.Pattern[str], Category]] = []
    for position, item in enumerate(data["categories"]):
        where = f"categories[{position}]"
        if not isinstance(item, dict) or "id" not in item or "patterns" not in item:
            raise InputError("each category needs an id and patterns", file=name, field=where)
        category = Category(
            id=str(item["id"]),
            label=str(item.get("label", item["id"])),
            labor_intensive=bool(item.get("labor_intensive", False)),
            why=str(item.get("why", "")),
            ask=str(item.get("ask", "")),
        )
        try:
            joined = "|".join(f"(?:{p})" for p in item["patterns"])
            patterns.append((re.compile(joined), category))
        except re.error as error:
            raise InputError(f"bad pattern: {error}", file=name, field=where) from None
        categories.append(category)
    return Rules(tuple(categories), tuple(patterns))


@cache
def default_rules() -> Rules:
    text = resources.files("subtier.data").joinpath("fec-categories.yaml").read_text("utf-8")
    return _parse(yaml.safe_load(text), "fec-categories.yaml")


def load_rules(path: Path) -> Rules:
    try:
        return _parse(yaml.safe_load(path.read_text("utf-8")), str(path))
    except (OSError, yaml.YAMLError) as error:
        raise InputError(f"cannot read the category rules: {error}", file=str(path)) from None


def normalize_purpose(purpose: str) -> str:
    """``"Voter Contact - Calls"`` → ``"VOTER CONTACT CALLS"``."""
    return _NOT_WORD.sub(" ", purpose.upper()).strip()


def classify(purpose: str, rules: Rules | None = None) -> Category:
    """The first category whose pattern is found in the normalized purpose; else "other"."""
    text = normalize_purpose(purpose)
    for pattern, category in (rules or default_rules()).patterns:
        if pattern.search(text):
            return category
    return OTHER_CATEGORY


def classify_batch(purposes: Sequence[str], rules: Rules | None = None) -> list[str]:
    """Category ids for a column of purposes (each distinct purpose is classified once)."""
    chosen = rules or default_rules()
    memo: dict[str, str] = {}
    out: list[str] = []
    for purpose in purposes:
        found = memo.get(purpose)
        if found is None:
            found = memo[purpose] = classify(purpose, chosen).id
        out.append(found)
    return out
