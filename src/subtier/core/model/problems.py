"""Problems found in a chain, located by their path in the chain document."""

from __future__ import annotations

from dataclasses import dataclass

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a chain: where (a path such as ``("sites", 2, "operator")``) and what."""

    loc: Loc
    message: str

    @property
    def field(self) -> str:
        """The path as users write it: ``sites[2].operator``."""
        out = ""
        for part in self.loc:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out or "(document)"
