"""docs/chain-file.md documents every field of the chain model, in its section, correctly."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest
from pydantic import BaseModel

from subtier.core.model import (
    Chain,
    Engagement,
    Labor,
    Money,
    Organization,
    OrgType,
    Per,
    Site,
    Workforce,
)
from subtier.formats import parse_chain

DOC = Path(__file__).resolve().parent.parent / "docs" / "chain-file.md"

SECTIONS: dict[type[BaseModel], str] = {
    Chain: "## Top level",
    Organization: "## `organizations`",
    Site: "## `sites`",
    Engagement: "## `engagements`",
    Workforce: "## `workforces`",
    Money: "## Money: `price` and `pay`",
}

ENUMS: dict[type[StrEnum], type[BaseModel]] = {OrgType: Organization, Labor: Workforce, Per: Money}

# Fields whose documented default is what subtier assumes, not the model's empty default.
ASSUMED_DEFAULTS: dict[tuple[type[BaseModel], str], str] = {
    (Workforce, "hours_per_week"): "40",
    (Workforce, "id"): "`wf-N`",
}


def section(model: type[BaseModel]) -> str:
    """The text of the model's section: from its heading to the next heading of that level."""
    text = DOC.read_text(encoding="utf-8")
    heading = SECTIONS[model]
    assert text.count(f"\n{heading}\n") == 1, f"no single {heading!r} heading"
    start = text.index(f"\n{heading}\n") + len(heading) + 2
    end = text.find("\n## ", start)
    return text[start : end if end != -1 else len(text)]


def field_rows(model: type[BaseModel]) -> dict[str, list[str]]:
    """The section's field table: field name → its cells (type, required, default, meaning).

    Rows of the tables of allowed values have one cell after the value, and are left out.
    """
    rows: dict[str, list[str]] = {}
    for line in section(model).splitlines():
        match = re.match(r"\| `([a-z_]+)` \|(.*)\|$", line)
        if match is None:
            continue
        cells = [cell.strip() for cell in match.group(2).split("|")]
        if len(cells) != 4:
            continue
        if match.group(1) in rows:
            pytest.fail(f"{model.__name__}: `{match.group(1)}` has two rows")
        rows[match.group(1)] = cells
    return rows


def ids(model: type[BaseModel]) -> str:
    return model.__name__


@pytest.mark.parametrize("model", list(SECTIONS), ids=ids)
def test_every_field_is_mentioned_in_its_section(model: type[BaseModel]) -> None:
    text = section(model)
    missing = [name for name in model.model_fields if f"`{name}`" not in text]
    assert not missing, f"{SECTIONS[model]} does not mention {missing}"


@pytest.mark.parametrize("model", list(SECTIONS), ids=ids)
def test_the_field_table_lists_exactly_the_models_fields(model: type[BaseModel]) -> None:
    assert sorted(field_rows(model)) == sorted(model.model_fields)


@pytest.mark.parametrize("model", list(SECTIONS), ids=ids)
def test_required_column_matches_the_model(model: type[BaseModel]) -> None:
    rows = field_rows(model)
    for name, info in model.model_fields.items():
        expected = "yes" if info.is_required() else "no"
        assert rows[name][1] == expected, f"{model.__name__}.{name}: required should be {expected}"


@pytest.mark.parametrize("model", list(SECTIONS), ids=ids)
def test_default_column_matches_the_model(model: type[BaseModel]) -> None:
    rows = field_rows(model)
    for name, info in model.model_fields.items():
        documented = rows[name][2]
        if info.is_required():
            assert documented == "", f"{model.__name__}.{name} is required: no default"
            continue
        default = info.get_default(call_default_factory=True)
        if (model, name) in ASSUMED_DEFAULTS:
            expected = ASSUMED_DEFAULTS[(model, name)]
        elif default is None:
            expected = "none"
        elif default in ([], {}):
            expected = "empty"
        else:
            expected = f"`{default}`"
        assert documented == expected, f"{model.__name__}.{name}: default should be {expected}"


@pytest.mark.parametrize("enum", list(ENUMS), ids=lambda enum: enum.__name__)
def test_every_allowed_value_is_documented(enum: type[StrEnum]) -> None:
    text = section(ENUMS[enum])
    missing = [member.value for member in enum if f"`{member.value}`" not in text]
    assert not missing, f"{SECTIONS[ENUMS[enum]]} does not list {missing}"


def test_the_example_is_a_valid_chain() -> None:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"## A complete example\n\n```yaml\n(.*?)```", text, re.DOTALL)
    assert match, "no YAML example under '## A complete example'"
    chain = parse_chain(match.group(1), "docs/chain-file.md")
    assert chain.workforces, "the example shows a workforce"
    assert chain.engagements[-1].price is not None, "the example shows a price"
