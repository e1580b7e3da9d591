"""The chain file loader: every malformed file gives one error naming the file, line and field."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subtier.core.model import Chain, ChainGraph
from subtier.errors import InputError
from subtier.formats import load_chain, parse_chain
from subtier.formats.documents import DocumentError
from tests.paths import ROOT

NAME = "chain.yaml"

# A valid chain. Tests edit it with `edit` and assert the line numbers shown here.
BASE = """\
subtier: 1
name: Test chain
root: buyer
organizations:
  - id: buyer
    name: Buyer Inc
  - id: vendor
    name: Vendor LLC
  - id: sub
    name: Subcontractor Co
sites:
  - id: center
    name: Call center
    operator: sub
engagements:
  - id: calls
    buyer: buyer
    supplier: vendor
    service: calls
  - id: labor
    buyer: vendor
    supplier: sub
    sites: [center]
    price: {amount: 7.25, per: hour}
workforces:
  - site: center
    engagement: labor
    labor: employee
    headcount: 12
    pay: {amount: 10, per: hour}
    paid_to: worker
"""
#  1 subtier            9 - id: sub           17 buyer: buyer      25 workforces:
#  2 name              10 name: Subcontr..    18 supplier: vendor  26 - site: center
#  3 root              11 sites:              19 service: calls    27 engagement: labor
#  4 organizations:    12 - id: center        20 - id: labor       28 labor: employee
#  5 - id: buyer       13 name: Call center   21 buyer: vendor     29 headcount: 12
#  6 name: Buyer Inc   14 operator: sub       22 supplier: sub     30 pay: ...
#  7 - id: vendor      15 engagements:        23 sites: [center]   31 paid_to: worker
#  8 name: Vendor LLC  16 - id: calls         24 price: ...


def edit(old: str, new: str, text: str = BASE) -> str:
    """``text`` with ``old`` (which must occur exactly once) replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def error_of(text: str | bytes, *, json_hint: bool = False, name: str = NAME) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_chain(text, name, json_hint=json_hint)
    return caught.value


def only_problem(error: InputError) -> None:
    """The error reports one problem, on one line of output."""
    if isinstance(error, DocumentError):
        assert len(error.problems) == 1, str(error)
    assert "\n" not in str(error), str(error)


def test_base_chain_is_valid() -> None:
    chain = parse_chain(BASE, NAME)
    assert isinstance(chain, Chain)
    assert [e.id for e in chain.engagements] == ["calls", "labor"]


def test_the_line_table_matches_the_base_chain() -> None:
    lines = BASE.splitlines()
    assert lines[17] == "    supplier: vendor"  # line 18
    assert lines[22] == "    sites: [center]"  # line 23
    assert lines[30] == "    paid_to: worker"  # line 31


# --- references, ids and the graph ------------------------------------------------------------


def test_unknown_supplier_names_the_line_of_the_field() -> None:
    error = error_of(edit("    supplier: vendor\n", "    supplier: vendr\n"))
    assert (error.file, error.line, error.field) == (NAME, 18, "engagements[0].supplier")
    assert str(error) == f"{NAME}:18: engagements[0].supplier: unknown organization id 'vendr'"
    only_problem(error)


def test_unknown_id_differing_only_in_case_gets_a_hint() -> None:
    error = error_of(edit("    supplier: vendor\n", "    supplier: Vendor\n"))
    assert (error.line, error.field) == (18, "engagements[0].supplier")
    assert "did you mean 'vendor'?" in error.message


def test_unknown_buyer() -> None:
    error = error_of(edit("    buyer: vendor\n", "    buyer: nobody\n"))
    assert (error.line, error.field) == (21, "engagements[1].buyer")
    assert error.message == "unknown organization id 'nobody'"


def test_unknown_site_in_an_engagements_site_list() -> None:
    text = edit("    sites: [center]\n", "    sites:\n      - center\n      - annex\n")
    error = error_of(text)
    assert (error.line, error.field) == (25, "engagements[1].sites[1]")
    assert error.message == "unknown site id 'annex'"
    only_problem(error)


def test_unknown_site_in_a_flow_list_is_on_the_lists_line() -> None:
    error = error_of(edit("    sites: [center]\n", "    sites: [center, annex]\n"))
    assert (error.line, error.field) == (23, "engagements[1].sites[1]")


def test_unknown_paid_to() -> None:
    error = error_of(edit("    paid_to: worker\n", "    paid_to: warden\n"))
    assert (error.line, error.field) == (31, "workforces[0].paid_to")
    assert error.message == "unknown organization id 'warden' (or \"worker\")"
    only_problem(error)


def test_unknown_site_operator() -> None:
    error = error_of(edit("    operator: sub\n", "    operator: subb\n"))
    assert (error.line, error.field) == (14, "sites[0].operator")


def test_unknown_workforce_engagement_and_site() -> None:
    text = edit(
        "  - site: center\n    engagement: labor\n", "  - site: annex\n    engagement: lab\n"
    )
    error = error_of(text)
    assert isinstance(error, DocumentError)
    assert [(line, field) for line, field, _ in error.problems] == [
        (26, "workforces[0].site"),
        (27, "workforces[0].engagement"),
    ]
    assert str(error).splitlines() == [
        f"{NAME}:26: workforces[0].site: unknown site id 'annex'",
        f"{NAME}:27: workforces[0].engagement: unknown engagement id 'lab'",
    ]


def test_duplicate_id() -> None:
    text = edit("sites:\n", "  - id: vendor\n    name: Vendor Again\nsites:\n")
    error = error_of(text)
    assert (error.line, error.field) == (11, "organizations[3].id")
    assert error.message == "duplicate id 'vendor': already used by organizations[1]"
    only_problem(error)


def test_duplicate_engagement_id() -> None:
    error = error_of(edit("  - id: labor\n", "  - id: calls\n"))
    assert (error.line, error.field) == (20, "engagements[1].id")
    assert "duplicate id 'calls'" in error.message


def test_buyer_hiring_itself_is_one_problem() -> None:
    error = error_of(edit("    supplier: vendor\n", "    supplier: buyer\n"))
    assert (error.line, error.field) == (18, "engagements[0].supplier")
    assert error.message == "an organization cannot hire itself"
    only_problem(error)  # not also reported as a cycle "buyer → buyer"


def test_three_organization_cycle_names_the_cycle() -> None:
    back = "  - id: back\n    buyer: sub\n    supplier: buyer\n"
    error = error_of(edit("workforces:\n", back + "workforces:\n"))
    assert (error.line, error.field) == (27, "engagements[2].supplier")
    assert error.message == "engagements form a cycle: buyer → vendor → sub → buyer"
    only_problem(error)


def test_self_hire_does_not_hide_a_longer_cycle() -> None:
    extra = (
        "  - id: self\n    buyer: buyer\n    supplier: buyer\n"
        "  - id: back\n    buyer: sub\n    supplier: buyer\n"
    )
    error = error_of(edit("workforces:\n", extra + "workforces:\n"))
    assert isinstance(error, DocumentError)
    messages = [message for _, _, message in error.problems]
    assert messages == [
        "an organization cannot hire itself",
        "engagements form a cycle: buyer → vendor → sub → buyer",
    ]


def test_missing_root() -> None:
    error = error_of(edit("root: buyer\n", ""))
    assert (error.line, error.field) == (1, "root")
    assert error.message == "required field is missing"
    only_problem(error)


def test_root_naming_an_unknown_organization() -> None:
    error = error_of(edit("root: buyer\n", "root: campaign\n"))
    assert (error.line, error.field) == (3, "root")
    assert error.message == "unknown organization id 'campaign'"
    only_problem(error)


def test_end_before_start() -> None:
    text = edit("    service: calls\n", "    start: 2019-12-01\n    end: 2019-11-30\n")
    error = error_of(text)
    assert (error.line, error.field) == (20, "engagements[0].end")
    assert error.message == "end date is before start date"


# --- types, fields and values ---------------------------------------------------------------


def test_wrong_type_headcount() -> None:
    error = error_of(edit("    headcount: 12\n", "    headcount: many\n"))
    assert (error.line, error.field) == (29, "workforces[0].headcount")
    assert "valid integer" in error.message
    assert "(got 'many')" in error.message
    only_problem(error)


def test_wrong_type_price_amount() -> None:
    block = "    price:\n      amount: cheap\n      per: hour\n"
    text = edit("    price: {amount: 7.25, per: hour}\n", block)
    error = error_of(text)
    assert (error.line, error.field) == (25, "engagements[1].price.amount")
    assert "valid number" in error.message
    assert "(got 'cheap')" in error.message
    only_problem(error)


def test_price_with_only_a_bad_amount_reports_both_problems() -> None:
    error = error_of(edit("    price: {amount: 7.25, per: hour}\n", "    price: {amount: cheap}\n"))
    assert isinstance(error, DocumentError)
    assert [(line, field) for line, field, _ in error.problems] == [
        (24, "engagements[1].price.amount"),
        (24, "engagements[1].price.per"),
    ]
    assert error.problems[1][2] == "required field is missing"


def test_money_that_is_not_a_mapping() -> None:
    error = error_of(edit("    pay: {amount: 10, per: hour}\n", "    pay: 10 dollars\n"))
    assert (error.line, error.field) == (30, "workforces[0].pay")
    assert "(got '10 dollars')" in error.message


def test_negative_headcount() -> None:
    error = error_of(edit("    headcount: 12\n", "    headcount: -3\n"))
    assert (error.line, error.field) == (29, "workforces[0].headcount")
    assert "greater than or equal to 0" in error.message


def test_bad_id_pattern() -> None:
    error = error_of(edit("  - id: sub\n", "  - id: sub contractor\n"))
    assert (error.line, error.field) == (9, "organizations[2].id")
    assert "should match pattern" in error.message


def test_misspelt_field_is_one_problem_with_a_suggestion() -> None:
    error = error_of(edit("    supplier: vendor\n", "    supplir: vendor\n"))
    assert (error.line, error.field) == (18, "engagements[0].supplir")
    assert error.message == "unknown field; did you mean 'supplier'?"
    only_problem(error)  # not also "engagements[0].supplier: required field is missing"


def test_misspelt_field_in_money_and_at_the_top() -> None:
    pay = "    pay: {amount: 10, per: hour, curency: USD}\n"
    text = edit("    pay: {amount: 10, per: hour}\n", pay)
    error = error_of(text)
    assert (error.line, error.field) == (30, "workforces[0].pay.curency")
    assert error.message == "unknown field; did you mean 'currency'?"
    error = error_of(edit("workforces:\n", "workforce:\n"))
    assert (error.line, error.field) == (25, "workforce")
    assert error.message == "unknown field; did you mean 'workforces'?"


def test_misspelt_field_does_not_hide_a_wrong_value_of_the_real_one() -> None:
    error = error_of(edit("    headcount: 12\n", "    headcount: many\n    headcont: 12\n"))
    assert isinstance(error, DocumentError)
    assert [(line, field) for line, field, _ in error.problems] == [
        (29, "workforces[0].headcount"),
        (30, "workforces[0].headcont"),
    ]


def test_unknown_field_without_a_near_name() -> None:
    error = error_of(edit("    service: calls\n", "    colour: blue\n"))
    assert (error.line, error.field) == (19, "engagements[0].colour")
    assert error.message == "unknown field (docs/chain-file.md lists the fields)"
    only_problem(error)


def test_wrong_enum_value() -> None:
    error = error_of(edit("    labor: employee\n", "    labor: prisoners\n"))
    assert (error.line, error.field) == (28, "workforces[0].labor")
    assert "'incarcerated'" in error.message  # the allowed values are listed
    assert "(got 'prisoners')" in error.message
    only_problem(error)


def test_impossible_date_is_a_field_error_at_its_line() -> None:
    error = error_of(edit("    service: calls\n", "    start: 2019-13-01\n"))
    assert (error.line, error.field) == (19, "engagements[0].start")
    assert "(got '2019-13-01')" in error.message


def test_dates_are_read() -> None:
    chain = parse_chain(edit("    service: calls\n", "    start: 2019-12-01\n"), NAME)
    assert str(chain.engagements[0].start) == "2019-12-01"


def test_organizations_must_not_be_empty() -> None:
    text = "subtier: 1\nname: x\nroot: a\norganizations: []\n"
    error = error_of(text)
    assert (error.line, error.field) == (4, "organizations")


# --- the version ------------------------------------------------------------------------------


def test_missing_version() -> None:
    error = error_of(edit("subtier: 1\n", ""))
    assert error.line == 1
    assert error.message == "missing 'subtier: 1' (the chain file version); is this a chain file?"
    assert str(error).startswith(f"{NAME}:1: missing 'subtier: 1'")


@pytest.mark.parametrize("value", ["2", "'1'", "true", "1.0", "v1"])
def test_wrong_version(value: str) -> None:
    # The version is put on line 2, to check the line is found and not assumed.
    text = edit("subtier: 1\nname: Test chain\n", f"name: Test chain\nsubtier: {value}\n")
    error = error_of(text)
    assert (error.line, error.field) == (2, "subtier")
    assert error.message.startswith("unsupported chain file version ")
    assert error.message.endswith("; this subtier reads version 1")


# --- the document itself ----------------------------------------------------------------------


def test_yaml_syntax_error() -> None:
    error = error_of(edit("    service: calls\n", "    service: calls: more\n"))
    assert error.line == 19
    assert error.field is None
    assert error.message == "invalid YAML: mapping values are not allowed in this context"
    assert str(error) == f"{NAME}:19: invalid YAML: mapping values are not allowed in this context"


def test_yaml_tab_indentation() -> None:
    error = error_of(edit("  - id: vendor\n", "\t- id: vendor\n"))
    assert error.line == 7
    assert error.message.startswith("invalid YAML:")


def test_yaml_duplicate_key() -> None:
    error = error_of(edit("    name: Buyer Inc\n", "    name: Buyer Inc\n    name: Buyer Corp\n"))
    assert error.line == 7
    assert error.message == "invalid YAML: duplicate key 'name'"


def test_yaml_value_a_tag_cannot_convert() -> None:
    error = error_of(edit("    headcount: 12\n", "    headcount: !!int twelve\n"))
    assert error.line == 29
    assert error.message.startswith("invalid YAML: cannot read value:")


def test_yaml_python_tags_are_refused() -> None:
    tagged = "    name: !!python/object/apply:os.getcwd []\n"
    error = error_of(edit("    name: Call center\n", tagged))
    assert error.line == 13
    assert error.message.startswith("invalid YAML: could not determine a constructor")


def test_integer_too_long() -> None:
    error = error_of(edit("    headcount: 12\n", f"    headcount: {'9' * 5000}\n"))
    assert error.line == 29
    assert "digits" in error.message


def test_nesting_too_deep_is_refused() -> None:
    error = error_of("subtier: 1\nname: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert error.message.startswith("invalid YAML:")
    error = error_of('{"a": ' + "[" * 50_000 + "]" * 50_000 + "}", json_hint=True)
    assert error.message == "invalid JSON: nested too deeply"


def test_second_document_is_refused() -> None:
    error = error_of(BASE + "---\nsubtier: 1\n")
    assert error.line == 32
    assert error.message.startswith("invalid YAML:")


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", " \t\n  \n"])
def test_empty_file(text: str) -> None:
    error = error_of(text)
    assert error.file == NAME
    assert error.line is None
    assert error.message == (
        "file is empty; expected a chain (subtier: 1, name, root, organizations, ...)"
    )


def test_empty_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="file is empty") as caught:
        load_chain(path)
    assert caught.value.file == str(path)
    assert str(caught.value).startswith(f"{path}: file is empty")


def test_comments_only_file() -> None:
    error = error_of("# a chain, one day\n")
    assert error.line == 1
    assert error.message.endswith("(a mapping), found nothing")


def test_top_level_list() -> None:
    error = error_of("- subtier: 1\n- name: Test chain\n")
    assert error.line == 1
    assert error.message == (
        "expected a chain (subtier: 1, name, root, organizations, ...) (a mapping), found a list"
    )


def test_top_level_text() -> None:
    error = error_of("just some words\n")
    assert error.line == 1
    assert error.message.endswith("(a mapping), found text")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "chain.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError) as caught:
        load_chain(path)
    assert caught.value.file == str(path)
    assert caught.value.message == "binary data, not a YAML or JSON document"
    assert str(caught.value) == f"{path}: binary data, not a YAML or JSON document"


def test_utf16_file_is_binary() -> None:
    error = error_of(BASE.encode("utf-16"))
    assert error.message == "binary data, not a YAML or JSON document"


def test_nul_byte_after_the_first_8_kb() -> None:
    raw = b"subtier: 1\n# " + b"x" * 9000 + b"\nname: a\x00b\n"
    error = error_of(raw)
    assert error.line == 3
    assert error.message == "invalid YAML: binary data (a NUL byte)"


def test_control_character() -> None:
    error = error_of(edit("    name: Vendor LLC\n", "    name: Vendor\x07LLC\n"))
    assert error.line == 8
    assert error.message == "invalid YAML: character U+0007 is not allowed"


def test_control_character_line_counts_characters_not_bytes() -> None:
    text = edit("    name: Buyer Inc\n", "    name: Ünïcödé Buyer\n")
    error = error_of(edit("    name: Vendor LLC\n", "    name: Vendor\x07LLC\n", text))
    assert error.line == 8


def test_invalid_utf8(tmp_path: Path) -> None:
    raw = edit("    name: Vendor LLC\n", "    name: Vendor S.\xe0 r.l.\n").encode("latin-1")
    path = tmp_path / "chain.yaml"
    path.write_bytes(raw)
    with pytest.raises(InputError) as caught:
        load_chain(path)
    error = caught.value
    assert (error.file, error.line) == (str(path), 8)
    offset = raw.index(b"\xe0")
    assert error.message == f"not UTF-8 text (invalid byte at offset {offset})"
    assert str(error) == f"{path}:8: not UTF-8 text (invalid byte at offset {offset})"


def test_utf8_byte_order_mark_is_accepted() -> None:
    chain = parse_chain(b"\xef\xbb\xbf" + BASE.encode("utf-8"), NAME)
    assert chain.root == "buyer"


def test_lone_surrogate_in_text() -> None:
    error = error_of(edit("    name: Vendor LLC\n", "    name: Vendor \ud800\n"))
    assert error.line == 8
    assert error.message.startswith("not valid Unicode text")


def billion_laughs(levels: int = 9) -> str:
    lines = ["subtier: 1", 'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    error = error_of(billion_laughs())
    assert time.perf_counter() - started < 1.0
    assert error.line == 3  # the first alias
    assert error.message == "YAML anchors and aliases (&name, *name) are not supported"


def test_merge_key_aliases_are_refused() -> None:
    text = "subtier: 1\nbase: &base {name: x}\nother:\n  <<: *base\n"
    error = error_of(text)
    assert error.line == 4
    assert "anchors and aliases" in error.message


def test_an_asterisk_in_text_is_not_an_alias() -> None:
    chain = parse_chain(edit("    service: calls\n", "    service: '*calls* & more'\n"), NAME)
    assert chain.engagements[0].service == "*calls* & more"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(InputError) as caught:
        load_chain(path)
    assert str(caught.value) == f"{path}: no such file"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "chain.yaml", BASE)
    path.chmod(0)
    try:
        with pytest.raises(InputError) as caught:
            load_chain(path)
    finally:
        path.chmod(0o644)
    assert str(caught.value) == f"{path}: cannot read: Permission denied"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_chain(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a chain file"


# --- JSON -------------------------------------------------------------------------------------

JSON_CHAIN = """\
{
  "subtier": 1,
  "name": "JSON chain",
  "root": "buyer",
  "organizations": [
    {"id": "buyer", "name": "Buyer Inc"},
    {"id": "vendor", "name": "Vendor LLC"}
  ],
  "engagements": [
    {
      "id": "calls",
      "buyer": "buyer",
      "supplier": "vendor"
    }
  ]
}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_chain_loads(tmp_path: Path) -> None:
    chain = load_chain(write(tmp_path, "chain.json", JSON_CHAIN))
    assert chain.engagements[0].supplier == "vendor"


def test_json_unknown_id_line_is_from_the_json_text(tmp_path: Path) -> None:
    text = edit('"supplier": "vendor"', '"supplier": "ghost"', JSON_CHAIN)
    path = write(tmp_path, "chain.json", text)
    with pytest.raises(InputError) as caught:
        load_chain(path)
    error = caught.value
    assert (error.file, error.line, error.field) == (str(path), 13, "engagements[0].supplier")
    assert str(error) == f"{path}:13: engagements[0].supplier: unknown organization id 'ghost'"


def test_json_wrong_type(tmp_path: Path) -> None:
    text = edit('"name": "Vendor LLC"', '"name": 42', JSON_CHAIN)
    with pytest.raises(InputError) as caught:
        load_chain(write(tmp_path, "chain.json", text))
    assert (caught.value.line, caught.value.field) == (7, "organizations[1].name")


def test_json_syntax_error(tmp_path: Path) -> None:
    # A missing comma is noticed at the next token, on line 4.
    text = edit('"name": "JSON chain",', '"name": "JSON chain"', JSON_CHAIN)
    path = write(tmp_path, "chain.json", text)
    with pytest.raises(InputError) as caught:
        load_chain(path)
    assert (caught.value.line, caught.value.field) == (4, None)
    assert str(caught.value) == f"{path}:4: invalid JSON: Expecting ',' delimiter"


def test_json_trailing_comma(tmp_path: Path) -> None:
    text = edit('"Vendor LLC"}\n', '"Vendor LLC"},\n', JSON_CHAIN)
    with pytest.raises(InputError) as caught:
        load_chain(write(tmp_path, "chain.json", text))
    assert caught.value.line == 8
    assert caught.value.message == "invalid JSON: Expecting value"


def test_json_duplicate_key(tmp_path: Path) -> None:
    text = edit('"root": "buyer",\n', '"root": "buyer",\n  "root": "vendor",\n', JSON_CHAIN)
    with pytest.raises(InputError) as caught:
        load_chain(write(tmp_path, "chain.json", text))
    assert caught.value.line == 5
    assert caught.value.message == "invalid JSON: duplicate key 'root'"


def test_json_top_level_list(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_chain(write(tmp_path, "chain.json", "[1, 2, 3]\n"))
    assert caught.value.line == 1
    assert caught.value.message.endswith("(a mapping), found a list")


def test_json_without_the_json_suffix_is_read() -> None:
    chain = parse_chain(JSON_CHAIN, "chain.txt")
    assert chain.name == "JSON chain"


# --- nothing but InputError -------------------------------------------------------------------

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def accepted_or_input_error(raw: str | bytes, json_hint: bool = False) -> None:
    try:
        parse_chain(raw, NAME, json_hint=json_hint)
    except InputError as error:
        message = str(error)
    else:
        return
    assert message.startswith(NAME), message


@PROPERTY
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_input_error(raw: bytes) -> None:
    accepted_or_input_error(raw)


@PROPERTY
@given(st.text(max_size=300), st.booleans())
def test_random_text_raises_only_input_error(text: str, json_hint: bool) -> None:
    accepted_or_input_error(text, json_hint)


YAMLISH = st.text(alphabet=" \t\n-:[]{},'\"&*!#|>?%@`~\\abc01.", max_size=120)


@PROPERTY
@given(st.integers(0, len(BASE)), st.integers(0, 20), YAMLISH)
def test_edited_chain_raises_only_input_error(at: int, cut: int, insert: str) -> None:
    """The valid chain with a span replaced by YAML punctuation: errors deep in validation too."""
    accepted_or_input_error(BASE[:at] + insert + BASE[at + cut :])


@PROPERTY
@given(st.integers(0, len(JSON_CHAIN)), st.integers(0, 20), YAMLISH)
def test_edited_json_chain_raises_only_input_error(at: int, cut: int, insert: str) -> None:
    accepted_or_input_error(JSON_CHAIN[:at] + insert + JSON_CHAIN[at + cut :], json_hint=True)


def test_every_problem_is_listed_up_to_ten() -> None:
    orgs = "".join(f"  - id: o{i}\n    name: Org {i}\n" for i in range(15))
    engagements = "".join(
        f"  - id: e{i}\n    buyer: root\n    supplier: ghost{i}\n" for i in range(15)
    )
    text = f"subtier: 1\nname: many\nroot: root\norganizations:\n{orgs}engagements:\n{engagements}"
    text = text.replace("id: o0\n", "id: root\n")
    error = error_of(text)
    lines = str(error).splitlines()
    assert len(lines) == 11
    assert lines[0] == f"{NAME}:38: engagements[0].supplier: unknown organization id 'ghost0'"
    assert lines[-1] == "... and 5 more problems"


def test_json_and_yaml_readers_agree() -> None:
    """The chain written as JSON is the same chain."""
    data = yaml.safe_load(BASE)
    assert parse_chain(json.dumps(data, indent=2), "chain.json", json_hint=True) == parse_chain(
        BASE, NAME
    )


def test_thousands_of_problems_are_counted_quickly() -> None:
    fields = "".join(f"field{i}: x\n" for i in range(20_000))
    started = time.perf_counter()
    error = error_of(BASE + fields)
    assert time.perf_counter() - started < 5.0
    lines = str(error).splitlines()
    assert lines[0] == f"{NAME}:32: field0: unknown field (docs/chain-file.md lists the fields)"
    assert lines[-1] == "... and 19990 more problems"


def test_a_chain_3000_tiers_deep_is_read_and_walked() -> None:
    depth = 3000
    orgs = "".join(f"  - {{id: o{i}, name: Org {i}}}\n" for i in range(depth))
    engagements = "".join(
        f"  - {{id: e{i}, buyer: o{i}, supplier: o{i + 1}}}\n" for i in range(depth - 1)
    )
    text = f"subtier: 1\nname: deep\nroot: o0\norganizations:\n{orgs}engagements:\n{engagements}"
    chain = parse_chain(text, NAME)
    graph = ChainGraph.build(chain)
    assert graph.org_path(f"o{depth - 1}") == [f"o{i}" for i in range(depth)]
    assert graph.org_path("o10") == [f"o{i}" for i in range(11)]
    assert graph.engagement_path(depth - 2)[-1] == f"o{depth - 1}"


# -- length limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "where", "limit"),
    [
        ("    name: Vendor LLC\n", "    name: " + "V" * 501 + "\n", "organizations[1].name", 500),
        (
            "    name: Vendor LLC\n",
            "    name: Vendor LLC\n    address: " + "1 Main St " * 310_000 + "\n",
            "organizations[1].address",
            1000,
        ),
        (
            "    name: Vendor LLC\n",
            "    name: Vendor LLC\n    aliases: [" + "a" * 501 + "]\n",
            "organizations[1].aliases[0]",
            500,
        ),
        ("    service: calls\n", "    service: " + "c" * 10_001 + "\n", "engagements[0].service", 10000),
    ],
)  # fmt: skip
def test_texts_over_their_limit_name_the_field_and_line(
    old: str, new: str, where: str, limit: int
) -> None:
    text = edit(old, new)
    long_line = next(n for n, line in enumerate(text.splitlines(), 1) if len(line) > limit)
    with pytest.raises(InputError) as caught:
        parse_chain(text, "chain.yaml")
    assert f"{where}: String should have at most {limit} characters" in str(caught.value)
    assert caught.value.line == long_line


def test_the_limits_are_documented() -> None:
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import build_docs

    doc = (ROOT / "docs" / "chain-file.md").read_text()
    assert build_docs.limits_table() in doc, "run scripts/build_docs.py"
