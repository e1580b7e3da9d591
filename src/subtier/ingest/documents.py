"""Reading YAML and JSON documents with errors that name the file, line and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from subtier.errors import InputError
from subtier.ingest.locate import locate
from subtier.model import Problem

# Larger files are refused before parsing: a chain this big belongs in a roster or a database.
MAX_BYTES = 256 * 1024 * 1024
# How many problems one message lists before saying how many more there are.
MAX_SHOWN = 10

M = TypeVar("M", bound=BaseModel)

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DocumentError(InputError):
    """A document is unusable; ``problems`` lists each problem with its line."""

    def __init__(self, file: str, problems: list[tuple[int | None, str, str]]) -> None:
        self.problems = problems
        line, field, message = problems[0]
        super().__init__(message, file=file, line=line, field=field)

    def __str__(self) -> str:
        lines = []
        for line, field, message in self.problems[:MAX_SHOWN]:
            where = f"{self.file}:{line}" if line else str(self.file)
            lines.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")
        if len(self.problems) > MAX_SHOWN:
            lines.append(f"... and {len(self.problems) - MAX_SHOWN} more problems")
        return "\n".join(lines)



def read_text(path: str | Path, what: str) -> str:
    """Read a document's text, refusing what is missing, too large, binary or not UTF-8."""
    path = Path(path)
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file", file=name) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", file=name) from None
    if path.is_dir():
        raise InputError(f"is a directory, not a {what}", file=name)
    if size > MAX_BYTES:
        raise InputError(
            f"file is {size / 1e6:,.0f} MB; {what}s are limited to {MAX_BYTES // 2**20} MB",
            file=name,
        )
    return decode(path.read_bytes(), name)


def parse_mapping(text: str, name: str, what: str, json_hint: bool = False) -> dict[str, Any]:
    """Parse YAML or JSON text that must hold one mapping."""
    if not text.strip():
        raise InputError(f"file is empty; expected a {what}", file=name)
    data = _parse(text, name, json_hint)
    if not isinstance(data, dict):
        raise InputError(f"expected a {what} (a mapping), found {_kind(data)}", file=name, line=1)
    _refuse_aliases(data, name)
    return data


def validate_model(model: type[M], data: dict[str, Any], text: str, name: str) -> M:
    """Validate parsed data against a model; every error names its line and field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [
            (locate(text, tuple(e["loc"])), Problem(tuple(e["loc"]), "").field, _message(e))
            for e in error.errors(include_url=False)
        ]
        raise DocumentError(name, problems) from None


def decode(raw: bytes | str, name: str) -> str:
    if isinstance(raw, str):
        return raw
    if b"\x00" in raw[:8192]:
        raise InputError("binary data, not a YAML or JSON document", file=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (invalid byte at offset {error.start})", file=name, line=line
        ) from None


def _parse(text: str, name: str, json_hint: bool) -> Any:
    if json_hint or text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            if json_hint:
                raise InputError(f"invalid JSON: {error.msg}", file=name, line=error.lineno) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        what = error.problem or "syntax error"
        raise InputError(f"invalid YAML: {what}", file=name, line=line) from None
    except yaml.YAMLError as error:
        raise InputError(f"invalid YAML: {error}", file=name) from None
    except RecursionError:
        raise InputError("invalid YAML: nested too deeply", file=name) from None


def _refuse_aliases(data: object, name: str) -> None:
    """YAML aliases can make a small file expand enormously; chain files do not need them."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (dict, list)):
            if id(item) in seen:
                raise InputError("YAML anchors and aliases (&name, *name) are not supported", file=name)
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)


def _kind(value: object) -> str:
    return {list: "a list", str: "text", int: "a number", float: "a number", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _message(error: Any) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (docs/chain-file.md lists the fields)"
    shown = repr(given) if isinstance(given, (str, int, float, bool)) else _kind(given)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{error['msg']} (got {shown})"
