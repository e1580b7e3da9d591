"""Conduits of payment: card issuers, payment processors, payroll services and reimbursed people.

A memo entry under a conduit's payment names the vendor the committee really paid: the merchant
behind the card charge, the employee behind the payroll run. That vendor is tier 1, with the
conduit recorded on its engagement. Under any other payee, a memo entry is that payee's own
supplier (a consultant passing on an ad buy): tier 2. The names and kinds are declared in
``data/fec-conduits.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from subtier.fec.classify import Rules, classify
from subtier.fec.records import Disbursement

_NOT_WORD = re.compile(r"[^A-Z0-9]+")
REIMBURSED = "reimbursed"


@dataclass(frozen=True)
class Conduits:
    labels: dict[str, str]  # kind → label
    names: tuple[tuple[str, re.Pattern[str]], ...]  # (kind, name pattern)
    classes: dict[str, str]  # purpose class → kind


@cache
def default_conduits() -> Conduits:
    text = resources.files("subtier.data").joinpath("fec-conduits.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    labels = {kind: str(spec["label"]) for kind, spec in data["kinds"].items()}
    labels[REIMBURSED] = "reimbursed payee"
    names = tuple(
        (kind, re.compile(pattern))
        for kind, spec in data["kinds"].items()
        for pattern in spec["names"]
    )
    return Conduits(labels, names, {str(k): str(v) for k, v in data["classes"].items()})


def conduit_kind(
    parent: Disbursement, rules: Rules, conduits: Conduits | None = None
) -> str | None:
    """The kind of conduit a parent payment's payee is, or None when it is a supplier."""
    conduits = conduits or default_conduits()
    if parent.is_person:
        return REIMBURSED
    name = _NOT_WORD.sub(" ", parent.name.upper()).strip()
    for kind, pattern in conduits.names:
        if pattern.search(name):
            return kind
    return conduits.classes.get(classify(parent.purpose, rules, parent.category).id)


def label(kind: str) -> str:
    """``"card"`` → ``"card issuer"``."""
    return default_conduits().labels.get(kind, kind)
