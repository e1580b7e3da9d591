"""subtier: who really does our work, where, and for what pay?

The public API is the names in ``__all__``; everything else is private and may change. A check
in five lines::

    import subtier

    chain = subtier.load_chain("chain.yaml")            # or subtier.example_path()
    result = subtier.check(chain, subtier.load_policy(), subtier.lists_in_force(),
                           programs=subtier.programs())
    for finding in result.findings:
        print(finding.severity, finding.rule, finding.summary)

Screening records of your own against a list::

    screener = subtier.Screener([subtier.load_list("facilities")])
    matches = screener.screen(subtier.make_record("7", "Taft call center",
                              address="601 N Oak St", city="Taft", state="OK", zip="74463"))

The names are loaded when first used, so ``import subtier`` costs nothing until then.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from subtier.version import __version__

# name → module it comes from
_EXPORTS: dict[str, str] = {
    "Chain": "subtier.core.model",
    "CheckResult": "subtier.core.check",
    "Finding": "subtier.core.policy",
    "InputError": "subtier.errors",
    "ListInfo": "subtier.core.screen",
    "Match": "subtier.core.screen",
    "MissingExtraError": "subtier.extras",
    "Policy": "subtier.core.policy",
    "Record": "subtier.core.screen",
    "RiskList": "subtier.core.screen",
    "Screener": "subtier.core.screen",
    "Severity": "subtier.core.severity",
    "SubtierError": "subtier.errors",
    "check": "subtier.app.check",
    "example_path": "subtier.data",
    "lists_in_force": "subtier.lists",
    "load_chain": "subtier.formats",
    "load_list": "subtier.lists",
    "load_policy": "subtier.formats",
    "make_record": "subtier.core.screen",
    "parse_address": "subtier.core.normalize.addresses",
    "programs": "subtier.lists.programs",
}

__all__ = [
    "Chain",
    "CheckResult",
    "Finding",
    "InputError",
    "ListInfo",
    "Match",
    "MissingExtraError",
    "Policy",
    "Record",
    "RiskList",
    "Screener",
    "Severity",
    "SubtierError",
    "__version__",
    "check",
    "example_path",
    "lists_in_force",
    "load_chain",
    "load_list",
    "load_policy",
    "make_record",
    "parse_address",
    "programs",
]

if TYPE_CHECKING:
    from subtier.app.check import check
    from subtier.core.check import CheckResult
    from subtier.core.model import Chain
    from subtier.core.normalize.addresses import parse_address
    from subtier.core.policy import Finding, Policy
    from subtier.core.screen import ListInfo, Match, Record, RiskList, Screener, make_record
    from subtier.core.severity import Severity
    from subtier.data import example_path
    from subtier.errors import InputError, SubtierError
    from subtier.extras import MissingExtraError
    from subtier.formats import load_chain, load_policy
    from subtier.lists import lists_in_force, load_list
    from subtier.lists.programs import programs


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'subtier' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
