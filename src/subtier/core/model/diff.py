"""What changed between two versions of a chain, by section and id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from subtier.core.model.chain import Chain

SECTIONS = ("organizations", "sites", "engagements", "workforces")


@dataclass(frozen=True)
class Change:
    """One item added, removed or changed; for a change, the fields with old and new values."""

    section: str
    id: str
    kind: str  # added, removed or changed
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _items(chain: Chain, section: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(getattr(chain, section)):
        ident = item.id or (chain.workforce_id(index) if section == "workforces" else str(index))
        out[ident] = item.model_dump(mode="json", exclude={"id"})
    return out


def diff_chains(old: Chain, new: Chain) -> list[Change]:
    """Every change from ``old`` to ``new``, section by section, in id order."""
    changes: list[Change] = []
    for attr in ("name", "root", "description"):
        before, after = getattr(old, attr), getattr(new, attr)
        if before != after:
            changes.append(Change("chain", attr, "changed", {attr: (before, after)}))
    for section in SECTIONS:
        before, after = _items(old, section), _items(new, section)
        for ident in sorted(before.keys() | after.keys()):
            if ident not in before:
                changes.append(Change(section, ident, "added"))
            elif ident not in after:
                changes.append(Change(section, ident, "removed"))
            else:
                fields = {
                    name: (before[ident].get(name), after[ident].get(name))
                    for name in sorted(before[ident].keys() | after[ident].keys())
                    if before[ident].get(name) != after[ident].get(name)
                }
                if fields:
                    changes.append(Change(section, ident, "changed", fields))
    return changes
