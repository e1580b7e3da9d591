"""Read a chain file (YAML or JSON), with errors that name the file, line and field."""

from __future__ import annotations

from pathlib import Path

from subtier.core.model import Chain, validate_chain
from subtier.errors import InputError
from subtier.formats.documents import (
    DocumentError,
    decode,
    parse_mapping,
    read_text,
    validate_model,
)
from subtier.formats.locate import locate

WHAT = "chain file"


def load_chain(path: str | Path) -> Chain:
    """Read and validate a chain file."""
    return parse_chain(
        read_text(path, WHAT), str(path), json_hint=str(path).lower().endswith(".json")
    )


def parse_chain(raw: bytes | str, name: str = "<chain>", *, json_hint: bool = False) -> Chain:
    """Parse and validate chain text. Raises ``InputError`` with file, line and field."""
    text = decode(raw, name)
    data = parse_mapping(
        text, name, "chain (subtier: 1, name, root, organizations, ...)", json_hint
    )
    version = data.get("subtier")
    if version is None:
        raise InputError(
            "missing 'subtier: 1' (the chain file version); is this a chain file?",
            file=name,
            line=1,
        )
    # ``true`` and ``1.0`` equal 1 in Python, but neither is the version number 1.
    if type(version) is not int or version != 1:
        raise InputError(
            f"unsupported chain file version {version!r}; this subtier reads version 1",
            file=name,
            line=locate(text, ("subtier",)),
            field="subtier",
        )
    chain = validate_model(Chain, data, text, name, fields_doc="docs/chain-file.md")
    found = validate_chain(chain)
    if found:
        raise DocumentError.at(name, text, [(p.loc, p.message) for p in found])
    return chain
