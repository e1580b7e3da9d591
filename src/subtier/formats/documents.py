"""Reading YAML and JSON documents with errors that name the file, line and field."""

from __future__ import annotations

import difflib
import json
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode

from subtier.core.model import Loc, Problem
from subtier.errors import InputError
from subtier.formats.locate import locate_all

# Larger files are refused before parsing: a chain this big belongs in a roster or a database.
MAX_BYTES = 256 * 1024 * 1024
# How many problems one message lists before saying how many more there are.
MAX_SHOWN = 10
# How many problems are placed at their line and checked for a misspelling; the rest are only
# counted, so a huge file of junk fails fast instead of locating a million problems.
MAX_PLACED = 1000

M = TypeVar("M", bound=BaseModel)

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_BYTE_POSITIONS = _BaseLoader.__name__.startswith("C")  # libyaml reports byte offsets


class _Loader(_BaseLoader):
    """The safe loader, made strict where a chain file needs it.

    - A key given twice in one mapping is an error, not "the last one wins".
    - Dates stay text (as in JSON), so the model checks them and an impossible date such as
      2019-13-01 is reported at its line and field instead of crashing the YAML constructor.
    - A value a tag cannot convert (``!!int abc``, an integer of 5,000 digits) is an error at
      its line.
    """

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as error:
            raise ConstructorError(
                None, None, f"cannot read value: {_first_clause(error)}", node.start_mark
            ) from None

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise ConstructorError(
                    None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def _timestamp_as_text(loader: _Loader, node: Node) -> Any:
    return SafeConstructor.construct_yaml_str(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


class _DuplicateKeyError(ValueError):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # built in C; a key given twice shows as a shorter dict
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return out


class DocumentError(InputError):
    """A document is unusable; ``problems`` lists each problem with its line."""

    def __init__(self, file: str, problems: list[tuple[int | None, str, str]]) -> None:
        self.problems = problems
        line, field, message = problems[0]
        super().__init__(message, file=file, line=line, field=field)

    @classmethod
    def at(cls, file: str, text: str, found: Sequence[tuple[Loc, str]]) -> DocumentError:
        """The error for problems given by path, each placed at its line in ``text``."""
        placed = locate_all(text, [loc for loc, _ in found[:MAX_PLACED]])
        lines = placed + [None] * (len(found) - len(placed))
        fields = [Problem(loc, "").field for loc, _ in found]
        return cls(
            file,
            [
                (line, field, msg)
                for line, field, (_, msg) in zip(lines, fields, found, strict=True)
            ],
        )

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
    try:
        # At most the limit and one byte more: a pipe or a device (/dev/zero) has no size.
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", file=name) from None
    if len(raw) > MAX_BYTES:
        raise InputError(
            f"more than {MAX_BYTES // 2**20} MB; {what}s are limited to {MAX_BYTES // 2**20} MB",
            file=name,
        )
    return decode(raw, name)


def parse_mapping(text: str, name: str, what: str, json_hint: bool = False) -> dict[str, Any]:
    """Parse YAML or JSON text that must hold one mapping."""
    if not text.strip():
        raise InputError(f"file is empty; expected a {what}", file=name)
    data = _parse(text, name, json_hint)
    if not isinstance(data, dict):
        raise InputError(f"expected a {what} (a mapping), found {_kind(data)}", file=name, line=1)
    return data


def validate_model(
    model: type[M], data: dict[str, Any], text: str, name: str, fields_doc: str | None = None
) -> M:
    """Validate parsed data against a model; every error names its line and field.

    ``fields_doc`` is the page that lists the fields, named when a field is unknown.
    """
    try:
        return model.model_validate(data)
    except ValidationError as error:
        found: list[tuple[Loc, str, str]] = []
        misspelt: set[Loc] = set()
        for e in error.errors(include_url=False):
            loc: Loc = tuple(e["loc"])
            message = _message(e, fields_doc)
            if e["type"] == "extra_forbidden" and loc and len(found) < MAX_PLACED:
                # A misspelt field ("supplir") is one problem, not also "supplier is missing".
                known = _fields_at(model, loc[:-1])
                match = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.75)
                if match:
                    message = f"unknown field; did you mean {match[0]!r}?"
                    misspelt.add((*loc[:-1], match[0]))
            found.append((loc, e["type"], message))
        kept = [
            (loc, msg) for loc, kind, msg in found if not (kind == "missing" and loc in misspelt)
        ]
        raise DocumentError.at(name, text, kept) from None


def decode(raw: bytes | str, name: str) -> str:
    if isinstance(raw, str):
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError as error:
            line = raw.count("\n", 0, error.start) + 1
            raise InputError(
                f"not valid Unicode text (lone surrogate at offset {error.start})",
                file=name,
                line=line,
            ) from None
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
            return json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as error:
            if json_hint:
                message = f"invalid JSON: {error.msg}"
                raise InputError(message, file=name, line=error.lineno) from None
        except _DuplicateKeyError as error:
            line = None
            try:  # the YAML reader finds the same duplicate and knows its line
                _parse_yaml(text, name)
            except InputError as found:
                line = found.line
            message = f"invalid JSON: duplicate key {error.args[0]!r}"
            raise InputError(message, file=name, line=line) from None
        except RecursionError:
            if json_hint:
                raise InputError("invalid JSON: nested too deeply", file=name) from None
        except ValueError as error:  # e.g. an integer too long to convert
            if json_hint:
                raise InputError(f"invalid JSON: {_first_clause(error)}", file=name) from None
    return _parse_yaml(text, name)


def _parse_yaml(text: str, name: str) -> Any:
    _refuse_aliases(text, name)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        what = error.problem or "syntax error"
        raise InputError(f"invalid YAML: {what}", file=name, line=line) from None
    except yaml.reader.ReaderError as error:
        raise _reader_error(error, text, name) from None
    except yaml.YAMLError as error:
        raise InputError(f"invalid YAML: {error}", file=name) from None
    except RecursionError:
        raise InputError("invalid YAML: nested too deeply", file=name) from None


def _reader_error(error: yaml.reader.ReaderError, text: str, name: str) -> InputError:
    """A character YAML does not allow, at its line (libyaml counts bytes, PyYAML characters)."""
    position = max(error.position, 0)
    if _BYTE_POSITIONS:
        line = text.encode("utf-8", "surrogatepass")[:position].count(b"\n") + 1
    else:
        line = text.count("\n", 0, position) + 1
    code = error.character if isinstance(error.character, int) else ord(error.character)
    what = "binary data (a NUL byte)" if code == 0 else f"character U+{code:04X} is not allowed"
    return InputError(f"invalid YAML: {what}", file=name, line=line)


def _refuse_aliases(text: str, name: str) -> None:
    """YAML aliases can make a small file expand enormously; chain files do not need them.

    Refused from the parser's events, before anything is built; every alias starts with ``*``.
    """
    if "*" not in text:
        return
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise InputError(
                    "YAML anchors and aliases (&name, *name) are not supported",
                    file=name,
                    line=mark.line + 1 if mark else None,
                )
    except yaml.YAMLError:
        return  # loading reports it, with its line
    except RecursionError:
        return


def _first_clause(error: Exception) -> str:
    return str(error).split(";")[0]


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The field names of the model found at ``loc``, or none if ``loc`` is not a model."""
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue  # an item of a list: the same model
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        fields = {info.alias or key: info for key, info in current.model_fields.items()}
        field = fields.get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or key for key, info in current.model_fields.items()]
    return []


def _model_in(annotation: object) -> type[BaseModel] | None:
    """The model in ``Model``, ``Model | None`` or ``list[Model]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, Union, types.UnionType):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _kind(value: object) -> str:
    kinds = {
        list: "a list",
        dict: "a mapping",
        str: "text",
        int: "a number",
        float: "a number",
        bool: "true/false",
        type(None): "nothing",
        bytes: "binary data",
        set: "a set",
    }
    return kinds.get(type(value), type(value).__name__)


def _message(error: Any, fields_doc: str | None = None) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field ({fields_doc} lists the fields)" if fields_doc else "unknown field"
    shown = repr(given) if isinstance(given, (str, int, float, bool)) else _kind(given)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{error['msg']} (got {shown})"
