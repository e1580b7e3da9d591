"""Typing slips between two words: letters dropped, added, swapped, or struck on a key next to
the one meant.

An ordinary edit distance counts every changed letter alike, so "Ward" and "Wood" (two
letters changed) are as near as "Ward" and "Wsrd" typed with one slip of a finger, "Wars"
typed with another. Street names are short, and such pairs decide whether two addresses in
one ZIP are one place. Here a letter changed for one on a neighbouring key (on a QWERTY
keyboard, diagonals included) costs one slip; one changed for any other costs two, as many as
dropping it and typing another. Dropping, adding and swapping two neighbouring letters cost
one each (optimal string alignment: no letter is edited twice).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["neighbours", "slips"]

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, frozenset[str]]:
    # Each row sits half a key to the right of the one above: the key below (r, c) touches
    # (r + 1, c - 1) and (r + 1, c); the key above touches (r - 1, c) and (r - 1, c + 1).
    out: dict[str, set[str]] = {}
    for r, row in enumerate(_ROWS):
        for c, key in enumerate(row):
            near = out.setdefault(key, set())
            spots = [(r, c - 1), (r, c + 1), (r - 1, c), (r - 1, c + 1), (r + 1, c - 1), (r + 1, c)]
            for rr, cc in spots:
                if 0 <= rr < len(_ROWS) and 0 <= cc < len(_ROWS[rr]):
                    near.add(_ROWS[rr][cc])
    return {k: frozenset(v) for k, v in out.items()}


_NEAR = _neighbours()


def neighbours(a: str, b: str) -> bool:
    """Whether two letters lie on neighbouring keys."""
    return b in _NEAR.get(a, ())


@lru_cache(maxsize=100_000)
def slips(x: str, y: str) -> int:
    """The fewest typing slips that turn one word into the other (see the module's text)."""
    if x == y:
        return 0
    n, m = len(x), len(y)
    # rows[i][j]: slips between x[:i] and y[:j]
    rows = [list(range(m + 1))] + [[i] + [0] * m for i in range(1, n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            a, b = x[i - 1], y[j - 1]
            change = 0 if a == b else (1 if neighbours(a, b) else 2)
            best = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + change)
            if i > 1 and j > 1 and a == y[j - 2] and x[i - 2] == b:
                best = min(best, rows[i - 2][j - 2] + 1)
            rows[i][j] = best
    return rows[n][m]
