"""FEC bulk operating-expenditure files (``oppexpYY.zip`` → ``oppexp.txt``), zipped or not.

Pipe-delimited, no header row, a trailing pipe, 25 columns (``COLUMNS``). Each line is checked
and normalized by :func:`parse_fields`, a pure function of one line's fields, so the same code
serves a vectorized UDF. A bad line stops the read with its line number: skipping it would lose
its money without a word.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from subtier.errors import InputError
from subtier.fec.lines import form_family
from subtier.fec.records import FIELD_LIMIT, Disbursement, parse_cents

COLUMNS = [
    "CMTE_ID",
    "AMNDT_IND",
    "RPT_YR",
    "RPT_TP",
    "IMAGE_NUM",
    "LINE_NUM",
    "FORM_TP_CD",
    "SCHED_TP_CD",
    "NAME",
    "CITY",
    "STATE",
    "ZIP_CODE",
    "TRANSACTION_DT",
    "TRANSACTION_AMT",
    "TRANSACTION_PGI",
    "PURPOSE",
    "CATEGORY",
    "CATEGORY_DESC",
    "MEMO_CD",
    "MEMO_TEXT",
    "ENTITY_TP",
    "SUB_ID",
    "FILE_NUM",
    "TRAN_ID",
    "BACK_REF_TRAN_ID",
]
_COMMITTEE = re.compile(r"C\d{8}")
BATCH = 50_000
_intern = sys.intern


def _date(text: str, source: str, line: int) -> str:
    """``MMDDYYYY`` → ISO; "" stays ""."""
    if not text:
        return ""
    if (
        len(text) != 8
        or not text.isdigit()
        or not ("01" <= text[:2] <= "12")
        or not ("01" <= text[2:4] <= "31")
    ):
        raise InputError(
            f"TRANSACTION_DT {text[:20]!r} is not a date (MMDDYYYY)", file=source, line=line
        )
    return _intern(f"{text[4:]}-{text[:2]}-{text[2:4]}")


def parse_fields(fields: Sequence[str], source: str, line: int) -> Disbursement:
    """One line's fields (split on ``|``) as a disbursement, or an error naming the line."""
    count = len(fields)
    if count == 26 and fields[25] == "":
        count = 25
    if count != 25:
        raise InputError(
            f"{count} fields where a bulk operating-expenditure line has 25 "
            "(a stray '|' in a name, or not an FEC bulk file?)",
            file=source,
            line=line,
        )
    committee = fields[0].strip()
    if not _COMMITTEE.fullmatch(committee):
        raise InputError(
            f"CMTE_ID {committee[:20]!r} is not an FEC committee id (C and 8 digits)",
            file=source,
            line=line,
        )
    cents = parse_cents(fields[13])
    if cents is None:
        raise InputError(
            f"TRANSACTION_AMT {fields[13][:20]!r} is not an amount", file=source, line=line
        )
    form = form_family(fields[6]) or _intern(fields[6].strip().upper())
    entity = fields[20].strip().upper()
    return Disbursement(
        source=source,
        line=line,
        committee=_intern(committee),
        report=_intern(f"{fields[3].strip()} {fields[2].strip()}"),
        filing=_intern(fields[22].strip()),
        amended=fields[1].strip().upper() == "A",
        form=form,
        line_number=_intern(fields[5].strip().upper()),
        tran_id=fields[23].strip(),
        back_ref=fields[24].strip(),
        entity_type=_intern(entity),
        name=_intern(fields[8].strip()),
        street="",
        city=_intern(fields[9].strip()),
        state=_intern(fields[10].strip().upper()),
        zip=_intern(fields[11].strip()),
        date=_date(fields[12].strip(), source, line),
        cents=cents,
        purpose=_intern(fields[15].strip()),
        memo=fields[18].strip().upper() == "X",
        memo_text=fields[19].strip(),
        sub_id=fields[21].strip(),
        category=_intern(fields[16].strip()),
    )


def _members(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    name = str(path)
    with path.open("rb") as probe:
        zipped = probe.read(4) == b"PK\x03\x04"
    if not zipped:
        with path.open("rb") as handle:
            yield name, handle
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise InputError(f"a broken zip file: {error}", file=name) from None
    with archive:
        texts = [i for i in archive.infolist() if not i.is_dir()]
        if not texts:
            raise InputError("the zip file holds no file", file=name)
        for info in texts:
            with archive.open(info) as member:
                yield f"{name}!{info.filename}", member


def parse_line(line: str, source: str, number: int) -> Disbursement | None:
    """One line of a bulk file as a disbursement; None for a blank line or a header row."""
    stripped = line.rstrip("\r\n")
    if not stripped.strip():
        return None
    if "\r" in stripped or "\x00" in stripped:
        what = "a carriage return (CR)" if "\r" in stripped else "a NUL byte"
        raise InputError(f"{what} inside the line", file=source, line=number)
    fields = stripped.split("|")
    if len(stripped) > FIELD_LIMIT:
        _check_lengths(fields, source, number)
    if number == 1 and _is_header(fields):
        return None  # a header row added by hand: the columns are known, so skip it
    if number == 1 and len(fields) not in (25, 26):
        raise InputError(
            f"not an FEC bulk operating-expenditure file: line 1 has {len(fields)} "
            "'|'-separated fields, not 25",
            file=source,
            line=1,
        )
    return parse_fields(fields, source, number)


def _check_lengths(fields: Sequence[str], source: str, number: int) -> None:
    """Refuse a field longer than any FEC field can be, naming its column."""
    for position, value in enumerate(fields):
        if len(value) > FIELD_LIMIT:
            column = COLUMNS[position] if position < len(COLUMNS) else f"field {position + 1}"
            raise InputError(
                f"{column} is {len(value):,} characters long; FEC fields are at most "
                f"{FIELD_LIMIT:,}",
                file=source,
                line=number,
            )


def _is_header(fields: Sequence[str]) -> bool:
    return [f.strip().upper() for f in fields[:3]] == COLUMNS[:3]


def read_bulk(
    path: Path,
    committee: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[list[Disbursement]]:
    """Batches of the file's rows (of one committee if given). Progress is in bytes read."""
    wanted = committee.strip().upper() if committee else None
    try:
        for source, raw in _members(path):
            yield from _read(source, raw, wanted, on_progress)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", file=str(path)) from None
    except (zipfile.BadZipFile, EOFError) as error:
        raise InputError(f"the zip file is damaged or cut short: {error}", file=str(path)) from None


def _read(
    source: str,
    raw: IO[bytes],
    committee: str | None,
    on_progress: Callable[[int], None] | None,
) -> Iterator[list[Disbursement]]:
    text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
    batch: list[Disbursement] = []
    done = 0
    number = 0
    for number, line in enumerate(text, start=1):
        if on_progress is not None:
            done += len(line)
            if done >= 1 << 20:
                on_progress(done)
                done = 0
        if line.endswith("\r"):  # the reader ends a line at a lone CR too
            raise InputError(
                "a carriage return (CR) inside the line: lines end with LF or CR LF only",
                file=source,
                line=number,
            )
        if not line.endswith("\n"):
            fields = line.split("|")
            if len(fields) < 25:
                raise InputError(
                    f"the file ends in the middle of this line ({len(fields)} of 25 fields): "
                    "it looks truncated",
                    file=source,
                    line=number,
                )
        row = parse_line(line, source, number)
        if row is None or (committee is not None and row.committee != committee):
            continue
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if number == 0:
        raise InputError("empty file: not an FEC bulk file", file=source, line=1)
    if on_progress is not None and done:
        on_progress(done)
    if batch:
        yield batch
