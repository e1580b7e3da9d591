"""Read a policy file; the bundled default policy is used when none is given."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from subtier.core.policy import Policy
from subtier.errors import InputError
from subtier.formats.documents import parse_mapping, read_text, validate_model

WHAT = "policy file"


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy in ``path``, or the bundled default policy."""
    if path is None:
        text = resources.files("subtier.data").joinpath("default-policy.yaml").read_text("utf-8")
        name = "default policy"
    else:
        text, name = read_text(path, WHAT), str(path)
    data = parse_mapping(text, name, "policy (subtier-policy: 1, rules: ...)")
    if "subtier-policy" not in data:
        raise InputError("missing 'subtier-policy: 1'; is this a policy file?", file=name, line=1)
    return validate_model(Policy, data, text, name, fields_doc="docs/policy.md")
