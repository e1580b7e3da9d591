"""Chain versions kept in the workspace: what changed between two of them."""

from __future__ import annotations

from dataclasses import dataclass

from subtier.core.model.diff import Change, diff_chains
from subtier.errors import InputError
from subtier.store import Workspace
from subtier.store.workspace import ChainVersion


@dataclass(frozen=True)
class Comparison:
    """Two saved versions of a chain and the changes from the older to the newer."""

    older: ChainVersion
    newer: ChainVersion
    changes: list[Change]


def compare(workspace: Workspace, key: str, old: int | None, new: int | None) -> Comparison:
    """The changes between two saved versions: by default the latest and the one before it."""
    newer, new_chain = workspace.chain(key, new)
    older_number = old if old is not None else newer.version - 1
    if older_number < 1:
        raise InputError(f"{newer.label()} is the first version; nothing to compare")
    older, old_chain = workspace.chain(key, older_number)
    return Comparison(older, newer, diff_chains(old_chain, new_chain))
