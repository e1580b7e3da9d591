"""Cells that are never formulas: every CSV and XLSX writer escapes what a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from openpyxl import load_workbook

from subtier.output import cell_safe, cell_unsafe
from tests.conftest import EXAMPLE, run_cli
from tests.fec.bulkrows import line

FORMULA = '=HYPERLINK("http://x","y")'


def test_the_rule() -> None:
    for text in (FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        escaped = cell_safe(text)
        assert escaped == "'" + text
        assert isinstance(escaped, str)
        assert cell_unsafe(escaped) == text
    for text in ("-3.5", "+1", "1e5", "Acme", "", "it's"):
        assert cell_safe(text) == text
        assert cell_unsafe(text) == text
    assert cell_safe(7) == 7


def test_screen_writes_a_formula_name_escaped(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        f'name,address,city,state,zip\n"{FORMULA.replace(chr(34), chr(34) * 2)}",601 N Oak St,Taft,OK,74463\n'
    )
    out = tmp_path / "out.csv"
    done = run_cli("screen", str(roster), "--list", "facilities", "-o", str(out))
    assert done.returncode == 0, done.stderr
    [row] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["name"] == "'" + FORMULA
    assert row["match_id"] == "10003571"


def test_fec_csv_escapes_payee_names(tmp_path: Path) -> None:
    path = tmp_path / "oppexp.txt"
    path.write_text(line(NAME="=CMD('calc')!A0"), encoding="utf-8")
    done = run_cli("fec", str(path), "-f", "csv")
    assert done.returncode == 0, done.stderr
    names = [r.get("name") or r.get("payee") for r in csv.DictReader(io.StringIO(done.stdout))]
    assert "'=CMD('calc')!A0" in names


def test_templates_keep_a_formula_name_as_text(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["organizations"][2]["name"] = FORMULA
    chain = tmp_path / "chain.yaml"
    chain.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = run_cli("template", "--from", str(chain), "-o", str(tmp_path / "t.xlsx"))
    assert done.returncode == 0, done.stderr
    book = load_workbook(tmp_path / "t.xlsx")
    cells = [
        c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == FORMULA
    ]
    assert cells
    assert all(c.data_type == "s" for c in cells)  # text, not a formula
    done = run_cli("template", "--from", str(chain), "-f", "csv", "-o", str(tmp_path / "csv"))
    assert done.returncode == 0, done.stderr
    written = "".join(p.read_text(encoding="utf-8-sig") for p in (tmp_path / "csv").glob("*.csv"))
    assert "'=HYPERLINK" in written
    back = run_cli("import", str(tmp_path / "csv"), "-o", str(tmp_path / "back.yaml"))
    assert back.returncode == 0, back.stderr
    names = [
        o["name"] for o in yaml.safe_load((tmp_path / "back.yaml").read_text())["organizations"]
    ]
    assert FORMULA in names  # read back as it was given
