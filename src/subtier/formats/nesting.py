"""How deep a JSON document may nest, and where a document that nests deeper goes too far.

Python's JSON reader recurses once a level, and so do the code that merges OCDS releases and
the code that copies FtM properties: a file nested thousands of levels deep would end in a
``RecursionError`` far from the file. No format we read needs more than a dozen levels.
"""

from __future__ import annotations

import re
from typing import Any

from subtier.errors import InputError

MAX_DEPTH = 64
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def depth(value: Any) -> int:
    """How many levels of lists and objects ``value`` has, counted without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def check_depth(value: Any, text: str, name: str, line: int | None = None) -> Any:
    """``value`` itself, or an :class:`InputError` at the line where it nests too deep."""
    if depth(value) > MAX_DEPTH:
        raise too_deep(text, name, line)
    return value


def too_deep(text: str, name: str, line: int | None = None) -> InputError:
    """The error for a document nested deeper than :data:`MAX_DEPTH`, at the line it goes too far.

    ``line`` is the line ``text`` starts at in the file (JSON lines), if not the first.
    """
    level = 0
    for token in _TOKEN.finditer(text):
        char = token.group()
        if char in "[{":
            level += 1
            if level > MAX_DEPTH:
                found = text.count("\n", 0, token.start())
                line = (line or 1) + found
                break
        elif char in "]}":
            level -= 1
    return InputError(
        f"nested more than {MAX_DEPTH} levels deep (lists and objects inside each other): "
        "not a file this format writes",
        file=name,
        line=line,
    )
