"""Broken electronic filings: each gives the file and line, never a crash or lost money."""

from __future__ import annotations

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
