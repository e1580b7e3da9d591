"""Broken electronic filings: each gives the file and line, never a crash or lost money."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from subtier.errors import InputError
from subtier.fec.filing import read_filing

from ..conftest import run_cli
from .conftest import SAMPLE

LINES = SAMPLE.read_bytes().split(b"\n")


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "1600001.fec"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "message", "number"),
    [
        (SAMPLE.read_bytes()[:100_000], "ends in the middle of this SA18 line", 489),
        (b"hello world\nfoo,bar\n", "not an FEC electronic filing", 1),
        (b"", "empty file", 1),
        (LINES[0].replace(b"8.3", b"9.9") + b"\n" + b"\n".join(LINES[1:]), "unsupported FEC format version '9.9'", 1),
        (b"\n".join([*LINES[:5], b"SB23\x1cC00703975\x1cbroken", *LINES[5:]]), "3 of 44 fields", 6),
        (b"\n".join([*LINES[:5], b"SZ99\x1cC00703975", *LINES[5:]]), "form type 'SZ99' is not defined", 6),
        (b"\n".join([*LINES[:5], LINES[2300] + b"\x1cextra\x1cfields", *LINES[5:]]), "a stray separator", 6),
        (LINES[0] + b"\nF1N\x1cC00703975\x1cname\n", "not a report of receipts", 2),
    ],
)  # fmt: skip
def test_bad_filings(tmp_path: Path, data: bytes, message: str, number: int) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read_filing(_write(tmp_path, data))
    assert caught.value.line == number


def test_a_bad_amount_is_not_read_as_zero(tmp_path: Path) -> None:
    fields = LINES[2300].split(b"\x1c")
    assert fields[0] == b"SB23"
    fields[20] = b"12x.00"
    data = b"\n".join([*LINES[:2300], b"\x1c".join(fields), *LINES[2301:]])
    with pytest.raises(InputError, match="not a number") as caught:
        read_filing(_write(tmp_path, data))
    assert caught.value.line == 2301


def test_cli_exit_code_and_message(tmp_path: Path) -> None:
    done = run_cli("fec", str(_write(tmp_path, b"hello\n")))
    assert done.returncode == 2
    assert "1600001.fec:1: not an FEC electronic filing" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_same_filing_twice_counts_once(tmp_path: Path) -> None:
    from subtier.fec import run_fec
    from subtier.formats import load_policy

    copy = tmp_path / "1527862.fec"
    copy.write_bytes(SAMPLE.read_bytes())
    result = run_fec([SAMPLE, copy], load_policy(), [])
    assert sum(t.rows for t in result.lines) == 744
    assert len(result.dropped) == 744
    assert {t.line: t.summary_cents for t in result.lines}["23"] == 50153193


def _with_field(number: int, position: int, value: bytes) -> bytes:
    lines = list(LINES)
    fields = lines[number - 1].split(b"\x1c")
    fields[position - 1] = value
    lines[number - 1] = b"\x1c".join(fields)
    return b"\n".join(lines)


def test_a_lone_quote_field_is_refused_before_fastfec(tmp_path: Path) -> None:
    # FastFEC aborts the whole process on such a field (free(): invalid size).
    path = _write(tmp_path, _with_field(2301, 8, b'"'))
    done = run_cli("fec", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f'error: {path}:2301: field 8 is a lone double quote ("): an unfinished quoted field'
    )


def test_fastfec_dying_is_an_error_naming_the_line() -> None:
    """The guard behind the checks: FastFEC given the lone quote itself, in its child process."""
    from subtier.fec import isolated

    data = _with_field(2301, 8, b'"')
    with pytest.raises(
        InputError, match=r"FastFEC failed on this line \(signal SIGABRT\)"
    ) as caught:
        list(isolated.parse(data, name="x.fec", lines=list(range(2, len(LINES)))))
    assert caught.value.line == 2301
    assert caught.value.file == "x.fec"


def test_fastfec_in_its_child_reads_what_it_reads_here() -> None:
    from subtier.fec import isolated

    data = SAMPLE.read_bytes()
    assert list(isolated.parse(data, name="x", lines=[])) == list(isolated._parse_here(data))


@pytest.mark.parametrize(
    ("data", "message", "number"),
    [
        (_with_field(2301, 8, b"Drop\rBox"), "a carriage return (CR) inside the line", 2301),
        (SAMPLE.read_bytes().replace(b"\n", b"\r", 3), "a carriage return (CR) inside the line", 1),
        (_with_field(2301, 8, b"Drop\x00Box"), "a NUL byte inside the line", 2301),
        (_with_field(2301, 8, b"A" * 3_100_000), "field 8 is 3,100,000 characters long", 2301),
    ],
)  # fmt: skip
def test_bytes_fastfec_cannot_read(tmp_path: Path, data: bytes, message: str, number: int) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        read_filing(_write(tmp_path, data))
    assert caught.value.line == number


def test_a_payee_name_over_the_chains_limit_names_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, _with_field(2301, 7, b"ACME " * 180))
    done = run_cli("fec", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: FEC Schedule B (memo entries): 1600001.fec line 2301: ")
    assert "name: String should have at most 500 characters" in done.stderr


def test_a_committee_name_over_the_chains_limit_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path, _with_field(2, 3, b"COMMITTEE " * 90))
    done = run_cli("fec", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "error: FEC filings: 1600001.fec: committee C00703975, name: "
        "String should have at most 500 characters"
    )
