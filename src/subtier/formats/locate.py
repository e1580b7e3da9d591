"""Find the line of a field in a YAML or JSON document, from its path (``("sites", 2, "zip")``).

Used only when something is wrong, so the fast loaders need not track positions. It walks the
parser's events (C-accelerated where available) and stops at the field; a field that is missing
is placed at the line of its nearest parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from subtier.core.model.problems import Loc

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class _Frame:
    path: list[str | int]  # path of this container
    is_map: bool
    index: int = 0  # next item position, in a sequence
    want_key: bool = True  # in a mapping: is the next node a key?
    key: str | None = None  # in a mapping: the key whose value comes next
    key_line: int = 0  # in a mapping: the line of that key, where its field starts

    def child(self) -> list[str | int]:
        return [*self.path, self.key if self.is_map else self.index]  # type: ignore[list-item]

    def advance(self) -> None:
        if self.is_map:
            self.want_key = True
        else:
            self.index += 1


def _line(event: yaml.Event) -> int:
    mark = event.start_mark
    return mark.line + 1 if mark else 0


def locate(text: str, loc: Loc) -> int | None:
    """The 1-based line where ``loc`` starts, or where its deepest existing parent starts."""
    return locate_all(text, [loc])[0]


def locate_all(text: str, locs: Sequence[Loc]) -> list[int | None]:
    """``locate`` for many paths at once, in one pass over the document."""
    wanted = {tuple(loc[:depth]) for loc in locs for depth in range(len(loc) + 1)}
    exact = {tuple(loc) for loc in locs}
    lines: dict[Loc, int] = {}  # line of each path in `wanted` that the document has
    stack: list[_Frame] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                if stack:
                    stack[-1].advance()
                continue
            if not isinstance(event, (yaml.NodeEvent, yaml.CollectionStartEvent)):
                continue
            if stack and stack[-1].is_map and stack[-1].want_key:
                if isinstance(event, yaml.CollectionStartEvent):
                    break  # a complex key (``? [a, b]``): no field path can name what follows
                stack[-1].want_key = False
                stack[-1].key = getattr(event, "value", None)
                stack[-1].key_line = _line(event)
                continue
            here = stack[-1].child() if stack else []
            found = tuple(here)
            if found in wanted and found not in lines:
                # A field starts at its key: "price:", not the first line of a block below it.
                lines[found] = stack[-1].key_line if stack and stack[-1].is_map else _line(event)
                if found in exact:
                    exact.discard(found)
                    if not exact:
                        break
            if isinstance(event, yaml.MappingStartEvent):
                stack.append(_Frame(here, is_map=True))
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append(_Frame(here, is_map=False))
            elif stack:
                stack[-1].advance()
    except yaml.YAMLError:
        pass
    return [_deepest(lines, loc) for loc in locs]


def _deepest(lines: dict[Loc, int], loc: Loc) -> int | None:
    for depth in range(len(loc), -1, -1):
        line = lines.get(tuple(loc[:depth]))
        if line is not None:
            return line
    return None
