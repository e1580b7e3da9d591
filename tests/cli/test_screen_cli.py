"""`subtier screen` on small rosters: CSV and XLSX in, one output row per input row."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import pytest
from openpyxl import Workbook

from subtier.app.check import check
from subtier.formats import load_chain, load_policy
from subtier.lists import facilities
from tests.conftest import EXAMPLE, ROOT
from tests.conftest import run_cli as run

ROSTER = """ID,Name,Address,City,State,Zip,note
7,Taft call center,601 N Oak St,Taft,OK,74463,a
8,ProCom,2 W Landis Ave,Vineland,NJ,08360,b
9,Eddie Warrior Correctional Center,,Taft,Oklahoma,,c
"""


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_screen_csv(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    done = run("screen", str(roster), "--list", "facilities")
    assert done.returncode == 0, done.stderr
    out = rows(done.stdout)
    assert list(out[0]) == [
        "ID", "Name", "Address", "City", "State", "Zip", "note",
        "match_list", "match_id", "match_name", "score", "reasons", "list_version",
    ]  # fmt: skip
    assert out[0]["list_version"] == facilities().info.version
    assert [r["ID"] for r in out] == ["7", "8", "9"]
    assert out[0]["match_id"] == "10003571"
    assert out[0]["reasons"].startswith("address: same number and street in same ZIP")
    assert out[1]["match_id"] == ""
    assert out[2]["match_id"] == "10003571"
    assert out[2]["note"] == "c"


def test_screen_top_k_and_output_file(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    target = tmp_path / "out.csv"
    done = run("screen", str(roster), "--list", "facilities", "--top", "3", "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    out = rows(target.read_text())
    first = [r for r in out if r["ID"] == "7"]
    assert [r["rank"] for r in first] == ["1", "2", "3"][: len(first)]
    assert first[0]["matched"] == "true"
    assert all(float(a["score"]) >= float(b["score"]) for a, b in itertools.pairwise(first))
    assert not (tmp_path / "out.csv.partial").exists()


def test_screen_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv.reader(io.StringIO(ROSTER)):
        sheet.append(line)
    path = tmp_path / "roster.xlsx"
    book.save(path)
    done = run("screen", str(path), "--list", "facilities")
    assert done.returncode == 0, done.stderr
    assert [r["match_id"] for r in rows(done.stdout)] == ["10003571", "", "10003571"]


def test_malformed_row_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,address\n1,A,601 N Oak St Taft OK 74463\n2,B,x,extra,cells\n3,C\n")
    done = run("screen", str(roster), "--list", "facilities")
    assert done.returncode == 0
    out = rows(done.stdout)
    assert [r["id"] for r in out] == ["1", "2", "3"]
    assert out[0]["match_id"] == "10003571"
    assert out[1]["reasons"] == "error: expected 3 fields, found 5"
    assert f"{roster}:3: expected 3 fields, found 5" in done.stderr
    assert f"{roster}:4: expected 3 fields, found 2" in done.stderr


def test_missing_id_is_the_row_number(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("name,address\nA,601 N Oak St Taft OK 74463\n")
    done = run("screen", str(roster), "--list", "facilities", "--top", "1")
    assert rows(done.stdout)[0]["match_id"] == "10003571"


def test_empty_list_matches_nothing(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    empty = tmp_path / "empty.csv"
    empty.write_text("id,name,address\n")
    done = run("screen", str(roster), "--list", str(empty))
    assert done.returncode == 0, done.stderr
    assert [r["match_id"] for r in rows(done.stdout)] == ["", "", ""]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "file is empty"),
        ("foo,bar\n1,2\n", "neither a 'name' nor an 'address' column"),
        ("name,score\nA,1\n", "already has output columns: score"),
        ("id," + "x" * 200_000 + "\n1,2\n", "1: not readable as CSV: field larger than"),
    ],
)
def test_bad_roster(tmp_path: Path, content: str, message: str) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(content)
    done = run("screen", str(roster), "--list", "facilities")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_list(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    done = run("screen", str(roster), "--list", "nope")
    assert done.returncode == 2
    assert "no such list: 'nope'" in done.stderr


def test_check_and_screen_agree_on_a_site(tmp_path: Path) -> None:
    result = check(load_chain(EXAMPLE), load_policy(), [facilities()])
    [from_check] = result.site_matches["taft"][:1]
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,address,city,state,zip\ntaft,Taft call center,601 N Oak St,Taft,OK,74463\n"
    )
    [row] = rows(run("screen", str(roster), "--list", "facilities").stdout)
    assert row["match_id"] == from_check.entry_id
    assert float(row["score"]) == pytest.approx(from_check.score)
    assert row["reasons"] == from_check.reasons


def test_screen_against_an_ftm_list(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,country\n1,Islamic Revolutionary Guard Corps,ir\n2,Acme Plumbing,us\n"
    )
    ftm = ROOT / "tests" / "fixtures" / "ftm" / "t1_entities.ftm.json"
    done = run("screen", str(roster), "--list", str(ftm))
    assert done.returncode == 0, done.stderr
    out = rows(done.stdout)
    assert out[0]["match_list"] == "t1_entities"
    assert "Revolutionary" in out[0]["match_name"] or "IRGC" in out[0]["match_name"]
    assert out[1]["match_id"] == ""


def test_a_roster_screened_on_every_core_is_screened_as_in_one_process(tmp_path: Path) -> None:
    # Enough rows for worker processes; facilities' own addresses, made-up ones, and bad rows.
    from subtier.core.screen import Screener
    from subtier.formats.roster import open_roster
    from subtier.parallel.rows import PARALLEL_MIN_ROWS, screen_rows

    lines = ["id,name,address,city,state,zip"]
    bad = 0
    own: dict[str, str] = {}  # row id → the facility it stands at, under its own name
    for n, record in enumerate(facilities().records[: PARALLEL_MIN_ROWS + 200]):
        a = record.address
        assert a is not None
        street = " ".join(p for p in (a.number, a.direction, a.street) if p)
        if n % 3 == 0:
            lines.append(f"{n},Site {n},{n + 11} Elm St,{a.city},{a.state},{a.zip5}")
        elif n % 97 == 0:
            lines.append(f"{n},Site {n},too,many,cells,here,and,more")
            bad += 1
        else:
            lines.append(f"{n},{record.name},{street},{a.city},{a.state},{a.zip5}")
            own[str(n)] = record.id
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    done = run("screen", str(roster), "--list", "facilities", "--output", str(target))
    assert done.returncode == 0, done.stderr
    alone = screen_rows(open_roster(roster), Screener([facilities()]), workers=1)
    expected = "".join(chunk.text for chunk in alone)
    written = target.read_text(encoding="utf-8")
    assert written.split("\n", 1)[1] == expected  # after the header, byte for byte
    assert written.count("error: expected 6 fields, found 8") == bad > 0
    found = {r["id"]: r["match_id"] for r in rows(written)}
    assert list(found) == [str(n) for n in range(len(lines) - 1)]  # one row each, in order
    assert sum(found[i] == facility for i, facility in own.items()) >= 0.95 * len(own)


@pytest.mark.parametrize("workers", [1, 2])
def test_work_meanwhile_is_done_once_before_the_first_rows_come_back(
    tmp_path: Path, workers: int
) -> None:
    from subtier.core.screen import Screener
    from subtier.formats.roster import open_roster
    from subtier.parallel.rows import PARALLEL_MIN_ROWS, screen_rows

    roster = tmp_path / "roster.csv"
    rows_ = [f"{n},Site {n},{n} Elm St,Taft,OK,74463" for n in range(PARALLEL_MIN_ROWS + 10)]
    roster.write_text("id,name,address,city,state,zip\n" + "\n".join(rows_) + "\n")
    came_back: list[int] = []
    calls: list[int] = []
    screened = screen_rows(
        open_roster(roster), Screener([facilities()]), workers=workers,
        meanwhile=lambda: calls.append(len(came_back)),
    )  # fmt: skip
    for chunk in screened:
        came_back.append(chunk.rows)
    assert calls == [0]
    assert sum(came_back) == len(rows_)


def test_a_big_list_file_is_announced_on_a_terminal(tmp_path: Path) -> None:
    import os

    from subtier.app.screen import ANNOUNCE_BYTES

    big = tmp_path / "big.csv"
    padding = "x" * 1_800  # an unrecognized column: it makes the file big, not the list
    with big.open("w", encoding="utf-8") as handle:
        handle.write("id,name,city,state,note\n")
        handle.writelines(f"b{n},Big Site {n},Taft,OK,{padding}\n" for n in range(6_000))
    assert big.stat().st_size >= ANNOUNCE_BYTES
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    env = {**os.environ, "SUBTIER_HOME": str(tmp_path / "home"), "TTY_COMPATIBLE": "1"}
    done = run("screen", str(roster), "--list", str(big), "--list", "facilities", env=env)
    assert done.returncode == 0, done.stderr
    assert "loading big.csv (11 MB)..." in done.stderr
    assert "big: 6,000 entries, version " in done.stderr
    assert "facilities:" not in done.stderr  # the bundled list is not a big file
    quiet = run("screen", str(roster), "--list", str(big), env={**env, "TTY_COMPATIBLE": "0"})
    assert "loading" not in quiet.stderr


def test_a_long_roster_shows_its_progress_on_a_terminal(tmp_path: Path) -> None:
    import os

    from subtier.app.screen import PROGRESS_MIN_ROWS

    roster = tmp_path / "roster.csv"
    lines = [f"{n},Site {n},{n} Elm St,Taft,OK,74463" for n in range(PROGRESS_MIN_ROWS)]
    roster.write_text("id,name,address,city,state,zip\n" + "\n".join(lines) + "\n")
    out = tmp_path / "out.csv"
    env = {**os.environ, "SUBTIER_HOME": str(tmp_path / "home"), "TTY_COMPATIBLE": "1"}
    args = ["screen", str(roster), "--list", "facilities", "--output", str(out)]
    done = run(*args, env=env)
    assert done.returncode == 0, done.stderr
    assert "screening" in done.stderr
    assert f"{PROGRESS_MIN_ROWS}/{PROGRESS_MIN_ROWS}" in done.stderr  # rows done, of all
    quiet = run(*args, env={**env, "TTY_COMPATIBLE": "0"})
    assert "screening" not in quiet.stderr
    assert out.read_text(encoding="utf-8").count("\n") == PROGRESS_MIN_ROWS + 1


def test_top_k_writes_a_row_that_has_no_candidate(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n1,Zzqxv Wwwkq\n2,Eddie Warrior Correctional Center\n")
    done = run("screen", str(roster), "--list", "facilities", "--top", "2")
    assert done.returncode == 0, done.stderr
    out = rows(done.stdout)
    assert [r["id"] for r in out][:2] == ["1", "2"]
    assert (out[0]["rank"], out[0]["match_id"], out[0]["matched"]) == ("", "", "false")


MISNAMED = (
    "id,name,street_address,city,state,zip_code\n1,Taft call center,601 N Oak St,Taft,OK,74463\n"
)


def test_misnamed_address_columns_are_warned_about_and_can_be_mapped(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(MISNAMED)
    plain = run("screen", str(roster), "--list", "facilities")
    assert plain.returncode == 0, plain.stderr
    assert "column 'street_address' looks like the address but is not read" in plain.stderr
    assert "--column address=street_address" in plain.stderr
    assert "column 'zip_code' looks like the zip" in plain.stderr
    mapped = run(
        "screen", str(roster), "--list", "facilities",
        "--column", "address=street_address", "-c", "zip=zip_code",
    )  # fmt: skip
    assert mapped.returncode == 0, mapped.stderr
    assert "warning" not in mapped.stderr
    assert rows(mapped.stdout)[0]["match_id"] == "10003571"
    assert list(rows(mapped.stdout)[0])[:6] == MISNAMED.splitlines()[0].split(",")
    spec = tmp_path / "columns.yaml"
    spec.write_text("address: street_address\nzip: zip_code\n")
    from_file = run("screen", str(roster), "--list", "facilities", "--columns", str(spec))
    assert rows(from_file.stdout)[0]["match_id"] == "10003571"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--column", "street=street_address"], "unknown column 'street'"),
        (["--column", "address"], "expected NAME=HEADER"),
        (["--column", "address=no_such"], "the header has no column 'no_such'"),
        (["--encoding", "klingon"], "unknown encoding 'klingon'"),
    ],
)
def test_bad_column_options_are_input_errors(tmp_path: Path, args: list[str], message: str) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(MISNAMED)
    done = run("screen", str(roster), "--list", "facilities", *args)
    assert done.returncode == 2
    assert message in done.stderr


def test_latin_1_and_semicolons_are_read_when_said(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes("id;name;address;city;state;zip\n1;Caf\xe9 Taft;601 N Oak St;Taft;OK;74463\n"
                       .encode("latin-1"))  # fmt: skip
    refused = run("screen", str(roster), "--list", "facilities")
    assert refused.returncode == 2
    assert "--encoding latin-1" in refused.stderr
    wrong_sep = run("screen", str(roster), "--list", "facilities", "--encoding", "latin-1")
    assert wrong_sep.returncode == 2
    assert "give --delimiter ';'" in wrong_sep.stderr
    done = run(
        "screen", str(roster), "--list", "facilities", "--encoding", "latin-1",
        "--delimiter", ";",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [row] = rows(done.stdout)
    assert row["name"] == "Café Taft"
    assert row["match_id"] == "10003571"
