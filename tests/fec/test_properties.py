"""Property tests: whatever the rows, the parsers keep every cent or name the bad line."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subtier.errors import InputError
from subtier.fec.bulk import read_bulk
from subtier.fec.filing import read_filing
from subtier.fec.records import parse_cents

from .bulkrows import line
from .conftest import SAMPLE

text = st.text(
    alphabet=st.characters(
        blacklist_characters="|\r\n\x1c\x85\u2028\u2029", blacklist_categories=("Cs", "Cc")
    ),
    max_size=30,
)
cents = st.integers(min_value=-(10**11), max_value=10**11)
row = st.tuples(text, text, cents)


def _amount(value: int) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 100}.{abs(value) % 100:02d}"


@given(cents)
def test_amounts_read_back_exactly(value: int) -> None:
    assert parse_cents(_amount(value)) == value


@given(st.text(max_size=12))
def test_parse_cents_never_guesses(value: str) -> None:
    found = parse_cents(value)
    if found is not None:
        assert parse_cents(_amount(found)) == found
        assert any(c.isdigit() for c in value)


@settings(max_examples=40, deadline=None)
@given(st.lists(row, min_size=1, max_size=20), st.data())
def test_bulk_rows_keep_every_cent_or_name_the_line(
    rows: list[tuple[str, str, int]], data: st.DataObject
) -> None:
    lines = [
        line(
            NAME=name,
            PURPOSE=purpose,
            TRANSACTION_AMT=_amount(value),
            SUB_ID=str(i),
            TRAN_ID=str(i),
        )
        for i, (name, purpose, value) in enumerate(rows)
    ]
    broken = data.draw(st.none() | st.integers(0, len(lines) - 1))
    if broken is not None:
        lines[broken] = lines[broken].replace("|", "||", 1)  # a stray separator
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "oppexp.txt"
        path.write_text("".join(lines), encoding="utf-8")
        if broken is not None:
            with pytest.raises(InputError) as caught:
                [r for batch in read_bulk(path) for r in batch]
            assert caught.value.line == broken + 1
            return
        read = [r for batch in read_bulk(path) for r in batch]
    assert sum(r.cents for r in read) == sum(v for _, _, v in rows)
    assert [r.line for r in read] == list(range(1, len(rows) + 1))


SB23 = SAMPLE.read_bytes().split(b"\n")[2300].split(b"\x1c")
HEAD = SAMPLE.read_bytes().split(b"\n")[:2]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(text, cents), min_size=1, max_size=10))
def test_filing_rows_keep_every_cent_and_their_lines(rows: list[tuple[str, int]]) -> None:
    body = []
    for i, (purpose, value) in enumerate(rows):
        fields = list(SB23)
        fields[2] = f"T{i}".encode()
        fields[20] = _amount(value).encode()
        fields[22] = purpose.encode("latin-1", errors="replace").strip().replace(b'"', b"")
        body.append(b"\x1c".join(fields))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "1700001.fec"
        path.write_bytes(b"\n".join([*HEAD, *body]) + b"\n")
        filing = read_filing(path)
    assert [r.line for r in filing.rows] == list(range(3, 3 + len(rows)))
    assert sum(r.cents for r in filing.rows) == sum(v for _, v in rows)
