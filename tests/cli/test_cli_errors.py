"""`subtier check` on malformed chain files, run as users run it: exit 2, one clear message."""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.formats.test_chainfile import BASE, billion_laughs, edit
from tests.paths import ROOT


def check(path: Path | str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "subtier", "check", str(path)],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
        cwd=ROOT,
        timeout=120,
    )


def assert_input_error(done: subprocess.CompletedProcess[str], expected: str) -> None:
    """Exit code 2, ``expected`` on stderr, nothing on stdout and no traceback anywhere."""
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("error: "), done.stderr
    assert expected in done.stderr, done.stderr


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


CASES: dict[str, tuple[str | bytes, str]] = {
    # name: (file content, what stderr must say after "<path>")
    "unknown-id": (
        edit("    supplier: vendor\n", "    supplier: vendr\n"),
        ":18: engagements[0].supplier: unknown organization id 'vendr'",
    ),
    "cycle": (
        edit("workforces:\n", "  - id: back\n    buyer: sub\n    supplier: buyer\nworkforces:\n"),
        ":27: engagements[2].supplier: engagements form a cycle: buyer → vendor → sub → buyer",
    ),
    "missing-root": (edit("root: buyer\n", ""), ":1: root: required field is missing"),
    "wrong-type": (
        edit("    headcount: 12\n", "    headcount: many\n"),
        ":29: workforces[0].headcount: Input should be a valid integer",
    ),
    "typo": (
        edit("    supplier: vendor\n", "    supplir: vendor\n"),
        ":18: engagements[0].supplir: unknown field; did you mean 'supplier'?",
    ),
    "enum": (
        edit("    labor: employee\n", "    labor: prisoners\n"),
        ":28: workforces[0].labor: Input should be",
    ),
    "yaml-syntax": (
        edit("    service: calls\n", "    service: calls: more\n"),
        ":19: invalid YAML: mapping values are not allowed in this context",
    ),
    "empty": ("", ": file is empty; expected a chain"),
    "binary": (bytes(range(256)), ": binary data, not a YAML or JSON document"),
    "not-utf8": (
        edit("    name: Vendor LLC\n", "    name: Vendor S.\xe0 r.l.\n").encode("latin-1"),
        ":8: not UTF-8 text (invalid byte at offset",
    ),
    "alias-bomb": (
        billion_laughs(),
        ":3: YAML anchors and aliases (&name, *name) are not supported",
    ),
    "top-level-list": ("- subtier: 1\n- name: x\n", ":1: expected a chain"),
    "no-version": (edit("subtier: 1\n", ""), ":1: missing 'subtier: 1'"),
    "wrong-version": (
        edit("subtier: 1\n", "subtier: 2\n"),
        ":1: subtier: unsupported chain file version 2; this subtier reads version 1",
    ),
    "bad-date": (
        edit("    service: calls\n", "    start: 2019-13-01\n"),
        ":19: engagements[0].start:",
    ),
    "control-character": (
        edit("    name: Vendor LLC\n", "    name: Vendor\x07LLC\n"),
        ":8: invalid YAML: character U+0007 is not allowed",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_chain_file(tmp_path: Path, case: str) -> None:
    content, expected = CASES[case]
    path = write(tmp_path, f"{case}.yaml", content)
    done = check(path)
    assert_input_error(done, f"error: {path}{expected}")


def test_json_syntax_error_names_the_json_line(tmp_path: Path) -> None:
    text = '{\n  "subtier": 1,\n  "name": "JSON chain"\n  "root": "buyer"\n}\n'
    path = write(tmp_path, "chain.json", text)
    assert_input_error(check(path), f"error: {path}:4: invalid JSON: Expecting ',' delimiter")


def test_several_problems_are_one_line_each(tmp_path: Path) -> None:
    text = edit("    paid_to: worker\n", "    paid_to: warden\n")
    text = edit("    supplier: vendor\n", "    supplier: vendr\n", text)
    path = write(tmp_path, "chain.yaml", text)
    done = check(path)
    assert_input_error(done, "")
    assert done.stderr.splitlines() == [
        f"error: {path}:18: engagements[0].supplier: unknown organization id 'vendr'",
        f"{path}:31: workforces[0].paid_to: unknown organization id 'warden' (or \"worker\")",
    ]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "no-such-chain.yaml"
    done = check(path)
    assert_input_error(done, f"error: {path}: no such file")


def test_directory(tmp_path: Path) -> None:
    assert_input_error(check(tmp_path), f"error: {tmp_path}: is a directory, not a chain file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_input_is_refused() -> None:
    done = check("/dev/zero")
    assert_input_error(
        done, "error: /dev/zero: more than 256 MB; chain files are limited to 256 MB"
    )


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="needs /dev/stdin")
def test_chain_from_a_pipe() -> None:
    text = edit("    supplier: vendor\n", "    supplier: vendr\n")
    done = check("/dev/stdin", stdin=text)
    assert_input_error(done, "error: /dev/stdin:18: engagements[0].supplier: unknown organization")


def test_valid_chain_is_not_an_input_error(tmp_path: Path) -> None:
    done = check(write(tmp_path, "chain.yaml", BASE))
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr


def test_brackets_in_a_value_are_printed_as_they_are(tmp_path: Path) -> None:
    path = write(tmp_path, "chain.yaml", edit("    supplier: vendor\n", "    supplier: '[/x]'\n"))
    assert_input_error(check(path), ":18: engagements[0].supplier: unknown organization id '[/x]'")


JUNK_BYTES = 50 * 1024 * 1024


def junk_bytes(seed: int) -> bytes:
    return random.Random(seed).randbytes(JUNK_BYTES)


def junk_text(seed: int) -> bytes:
    rng = random.Random(seed)
    alphabet = bytes(range(32, 127))
    block = bytes(rng.choice(alphabet) for _ in range(4096))
    count = JUNK_BYTES // (len(block) + 2) + 1
    lines = (block[i % 4000 :] + b"\n" + block[: i % 4000] + b"\n" for i in range(count))
    return b"".join(lines)[:JUNK_BYTES]


def junk_mapping() -> bytes:
    """YAML that parses: a mapping of hundreds of thousands of unknown fields."""
    rows = (b"field%d: %s\n" % (i, b"x" * 60) for i in range(JUNK_BYTES // 80))
    return b"subtier: 1\n" + b"".join(rows)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["bytes", "text", "mapping"])
def test_50_mb_of_junk(tmp_path: Path, kind: str) -> None:
    content = {"bytes": junk_bytes(2019), "text": junk_text(2020), "mapping": junk_mapping()}[kind]
    assert len(content) >= 40 * 1024 * 1024
    path = write(tmp_path, f"junk-{kind}.yaml", content)
    done = check(path)
    assert_input_error(done, f"error: {path}")
    assert len(done.stderr) < 5000  # a short message, not the junk echoed back
    if kind == "mapping":
        assert f"{path}:2: field0: unknown field" in done.stderr
        assert "more problems" in done.stderr


# -- other parsers: each hostile shape is exit 2 with the file and where in it -----------------

FIXTURES = ROOT / "tests" / "fixtures"
FEC_SAMPLE = ROOT / "tests" / "fec" / "fixtures" / "1527862.fec"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "subtier", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
        cwd=ROOT,
        timeout=120,
    )


def _nested(depth: int) -> str:
    return "[" * depth + '"x"' + "]" * depth


def _ocds_with_status(status: object) -> str:
    package = json.loads((FIXTURES / "ocds" / "release-package.json").read_text(encoding="utf-8"))
    package["releases"][0]["awards"][0]["status"] = status
    return json.dumps(package, indent=2)


def _entity(alias: str) -> str:
    return (
        '{"id": "acme", "schema": "Company", "properties": {"name": ["Acme"]}}\n'
        f'{{"id": "b", "schema": "Company", "properties": {{"name": ["B"], "alias": {alias}}}}}\n'
    )


def _xlsx_with_dtd(tmp_path: Path, entity_in_cell: bool) -> bytes:
    """The chain template, its 'chain' sheet given a DTD (and, if asked, a cell using it)."""
    template = tmp_path / "template.xlsx"
    done = run("template", "--output", str(template))
    assert done.returncode == 0, done.stderr
    dtd = '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>\n'
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                text = data.decode("utf-8")
                if entity_in_cell:
                    text = text.replace("<is><t>", "<is><t>&a;", 1)
                body = text.split("?>", 1)[-1] if text.startswith("<?xml") else text
                data = (dtd + body).encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def test_ocds_nested_too_deeply(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.ocds.json", '{"releases": [\n' + _nested(100_000) + "\n]}")
    done = run("import", str(path), "--output", str(tmp_path / "out.yaml"))
    assert_input_error(done, f"error: {path}:2: nested more than 64 levels deep")


def test_ocds_nested_below_the_json_limit(tmp_path: Path) -> None:
    # Deep enough for the merge of releases to recurse past Python's limit, not json's.
    path = write(tmp_path, "deep.ocds.json", '{"releases": [\n' + _nested(900) + "\n]}")
    done = run("import", str(path), "--output", str(tmp_path / "out.yaml"))
    assert_input_error(done, f"error: {path}:2: nested more than 64 levels deep")


@pytest.mark.parametrize("status", [["active"], {"code": "active"}])
def test_ocds_status_that_is_not_a_code(tmp_path: Path, status: object) -> None:
    path = write(tmp_path, "status.ocds.json", _ocds_with_status(status))
    done = run("import", str(path), "--output", str(tmp_path / "out.yaml"))
    assert_input_error(done, f"error: {path}:")
    found = re.match(
        rf"error: {re.escape(str(path))}:(\d+): releases\[0\]\.awards\[0\]\.status: ", done.stderr
    )
    assert found, done.stderr
    # The line named is the one that holds the award's status.
    assert path.read_text().splitlines()[int(found.group(1)) - 1].strip().startswith('"status": ')
    assert "status should be a code such as 'active', not " in done.stderr


@pytest.mark.parametrize("command", ["import", "screen"])
@pytest.mark.parametrize("alias", ['[["x"]]', _nested(1000)])
def test_ftm_nested_arrays(tmp_path: Path, command: str, alias: str) -> None:
    path = write(tmp_path, "entities.ftm.json", _entity(alias))
    if command == "import":
        done = run("import", str(path), "--output", str(tmp_path / "out.yaml"))
    else:
        done = run("screen", str(FIXTURES / "lists" / "sites.csv"), "--list", str(path))
    assert_input_error(
        done, f"error: {path}:2: properties.alias: property 'alias' holds a list inside its list"
    )


def test_fec_bare_carriage_return(tmp_path: Path) -> None:
    lines = FEC_SAMPLE.read_bytes().split(b"\n")
    lines[2300] = lines[2300].replace(b"DropBox", b"Drop\rBox")
    path = write(tmp_path, "1527862.fec", b"\n".join(lines))
    assert_input_error(
        run("fec", str(path)), f"error: {path}:2301: a carriage return (CR) inside the line"
    )


@pytest.mark.parametrize("entity_in_cell", [False, True])
def test_xlsx_with_a_dtd(tmp_path: Path, entity_in_cell: bool) -> None:
    path = write(tmp_path, "chain.xlsx", _xlsx_with_dtd(tmp_path, entity_in_cell))
    done = run("import", str(path), "--output", str(tmp_path / "out.yaml"))
    assert_input_error(
        done, f"error: {path}: part xl/worksheets/sheet2.xml, line 2: a DTD (<!DOCTYPE"
    )
