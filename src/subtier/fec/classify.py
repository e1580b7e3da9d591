"""Purposes into service classes by what the money bought, by the rules in ``data/fec-categories.yaml``.

Each class scores the longest phrase its patterns find in the purpose, in words, so the whole
phrase decides: "TELEPHONE SERVICES - VOTER CONTACT" is calls (4 words) rather than telecom
("TELEPHONE SERVICES", 2). The FEC's category code, where the row has one, breaks ties and
names the class when no pattern finds anything. Pure and row-independent:
:func:`classify_batch` takes a column of purposes and returns a column of class ids, so it
runs as it is in a vectorized UDF.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from subtier.errors import InputError

OTHER = "other"
CODE_BONUS = 0.25
_NOT_WORD = re.compile(r"[^A-Z0-9]+")


@dataclass(frozen=True, slots=True)
class Category:
    """A service class: what it is, and for labor ones why they matter and what to ask."""

    id: str
    label: str
    labor_intensive: bool = False  # done by people a vendor could subcontract
    why: str = ""
    ask: str = ""
    description: str = ""
    codes: tuple[str, ...] = ()  # FEC category codes this class is consistent with


@dataclass(frozen=True, slots=True)
class Classified:
    """A purpose's class, and the phrase (or FEC code) that decided it."""

    category: Category
    found: str  # the phrase found, "FEC category 005 (polling)", or "" for other
    score: float


@dataclass(frozen=True)
class Rules:
    categories: tuple[Category, ...]
    # Per class, in file order: (pattern, weight or None to count the words found).
    patterns: tuple[tuple[Category, tuple[tuple[re.Pattern[str], float | None], ...]], ...]
    defaults: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (class, label)
    abbreviations: dict[str, str] = field(default_factory=dict)  # "SVCS" → "SERVICES"

    @property
    def by_id(self) -> dict[str, Category]:
        return {c.id: c for c in (*self.categories, OTHER_CATEGORY)}


OTHER_CATEGORY = Category(OTHER, "other or not stated", description="nothing says what was bought")


def _pattern(item: Any, name: str, where: str) -> tuple[re.Pattern[str], float | None]:
    weight: float | None = None
    if isinstance(item, dict):
        if "re" not in item:
            raise InputError("a pattern mapping needs 're'", file=name, field=where)
        weight = float(item.get("weight", 1))
        item = item["re"]
    try:
        return re.compile(str(item)), weight
    except re.error as error:
        raise InputError(f"bad pattern: {error}", file=name, field=where) from None


def _parse(data: Any, name: str) -> Rules:
    if not isinstance(data, dict) or not isinstance(data.get("classes"), list):
        raise InputError("expected a mapping with a 'classes' list", file=name)
    categories: list[Category] = []
    patterns = []
    for position, item in enumerate(data["classes"]):
        where = f"classes[{position}]"
        if not isinstance(item, dict) or "id" not in item or "patterns" not in item:
            raise InputError("each class needs an id and patterns", file=name, field=where)
        category = Category(
            id=str(item["id"]),
            label=str(item.get("label", item["id"])),
            labor_intensive=bool(item.get("labor", False)),
            why=str(item.get("why", "")),
            ask=str(item.get("ask", "")),
            description=str(item.get("description", "")),
            codes=tuple(str(c) for c in item.get("codes", ())),
        )
        found = tuple(_pattern(p, name, f"{where}.patterns") for p in item["patterns"])
        patterns.append((category, found))
        categories.append(category)
    ids = {c.id for c in categories}
    defaults: dict[str, tuple[str, str]] = {}
    for code, spec in (data.get("codes") or {}).items():
        if not isinstance(spec, dict) or spec.get("default") not in ids:
            raise InputError(f"code {code}: 'default' must name a class", file=name)
        defaults[str(code)] = (str(spec["default"]), str(spec.get("label", "")))
    short = data.get("abbreviations") or {}
    if not isinstance(short, dict):
        raise InputError("'abbreviations' must map short words to long ones", file=name)
    abbreviations = {str(k).upper(): str(v).upper() for k, v in short.items()}
    return Rules(tuple(categories), tuple(patterns), defaults, abbreviations)


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


def normalize_code(code: str) -> str:
    """``"5"``, ``"005"`` → ``"005"``; anything else → ``""``."""
    code = code.strip()
    return code.zfill(3) if code.isdigit() and len(code) <= 3 else ""


def explain(purpose: str, rules: Rules | None = None, code: str = "") -> Classified:
    """The class whose patterns find the longest phrase; the FEC code breaks ties and fills in."""
    rules = rules or default_rules()
    text = normalize_purpose(purpose)
    if rules.abbreviations:
        text = " ".join(rules.abbreviations.get(w, w) for w in text.split())
    fec_code = normalize_code(code)
    best: Classified | None = None
    for category, patterns in rules.patterns:
        score, phrase = 0.0, ""
        for pattern, weight in patterns:
            for found in pattern.finditer(text):
                words = found.group(0).strip()
                value = weight if weight is not None else float(len(words.split()))
                if value > score:
                    score, phrase = value, words
        if score == 0:
            continue
        if fec_code and fec_code in category.codes:
            score += CODE_BONUS
        if best is None or score > best.score:
            best = Classified(category, phrase, score)
    if best is not None:
        return best
    if fec_code in rules.defaults:
        cid, label = rules.defaults[fec_code]
        return Classified(rules.by_id[cid], f"FEC category {fec_code} ({label})", CODE_BONUS)
    return Classified(OTHER_CATEGORY, "", 0.0)


def classify(purpose: str, rules: Rules | None = None, code: str = "") -> Category:
    """The service class of one purpose (and FEC category code, if the row has one)."""
    return explain(purpose, rules, code).category


def classify_batch(
    purposes: Sequence[str], rules: Rules | None = None, codes: Sequence[str] | None = None
) -> list[str]:
    """Class ids for a column of purposes (each distinct purpose and code is classified once)."""
    chosen = rules or default_rules()
    memo: dict[tuple[str, str], str] = {}
    out: list[str] = []
    for i, purpose in enumerate(purposes):
        key = (purpose, codes[i] if codes is not None else "")
        found = memo.get(key)
        if found is None:
            found = memo[key] = classify(purpose, chosen, key[1]).id
        out.append(found)
    return out
