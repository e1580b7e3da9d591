"""Spreadsheets in and out: `subtier template` writes the chain as sheets, `subtier import` reads
them back with every problem named by sheet, row and column."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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
from subtier.errors import InputError
from subtier.formats import load_chain
from subtier.formats.spreadsheet import (
    SHEETS,
    SpreadsheetError,
    import_spreadsheet,
    load_spreadsheet,
)
from subtier.report.template import (
    TemplateFormat,
    example_chain,
    instructions,
    template_sheets,
    write_template,
)
from tests.conftest import EXAMPLE, ROOT

CellValue = str | int | float | bool | datetime | None


@pytest.fixture
def example() -> Chain:
    return load_chain(EXAMPLE)


@pytest.fixture
def filled(tmp_path: Path, example: Chain) -> Path:
    """The ProCom example as a filled workbook."""
    return write_template(tmp_path / "suppliers.xlsx", TemplateFormat.XLSX, example)


@pytest.fixture
def folder(tmp_path: Path, example: Chain) -> Path:
    """The ProCom example as a folder of CSV files."""
    return write_template(tmp_path / "chain-template", TemplateFormat.CSV, example)


def sheet(book: Workbook, name: str) -> Worksheet:
    ws = book[name]
    assert isinstance(ws, Worksheet)
    return ws


def position(ws: Worksheet, column: str) -> int:
    """The 1-based position of the column with this header."""
    header = [c.value for c in ws[1]]
    return header.index(column) + 1


def edit(path: Path, name: str, row: int, column: str, value: CellValue) -> None:
    """Set one cell of a sheet, found by its row and its column's header."""
    book = load_workbook(path)
    ws = sheet(book, name)
    ws.cell(row, position(ws, column)).value = value
    book.save(path)


def problems(path: Path) -> list[str]:
    with pytest.raises(SpreadsheetError) as caught:
        load_spreadsheet(path)
    return str(caught.value).splitlines()


def failed_import(source: Path, output: Path) -> str:
    """Import must fail, leave no output behind, and say why."""
    with pytest.raises(SpreadsheetError) as caught:
        import_spreadsheet(source, output)
    assert not output.exists()
    assert not list(output.parent.glob(f".{output.name}.*"))  # no temporary file either
    return str(caught.value)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "subtier", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=120,
    )


# --- round trips ----------------------------------------------------------------------------


def test_example_round_trips_through_a_workbook(
    tmp_path: Path, filled: Path, example: Chain
) -> None:
    output = tmp_path / "chain.yaml"
    imported = import_spreadsheet(filled, output)
    assert imported.model_dump() == example.model_dump()
    assert load_chain(output).model_dump() == example.model_dump()
    assert output.read_text(encoding="utf-8").startswith("# Imported from suppliers.xlsx")


def test_example_round_trips_through_csv_files(
    tmp_path: Path, folder: Path, example: Chain
) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{name}.csv" for name in (*SHEETS, "instructions")
    )
    output = tmp_path / "chain.json"
    imported = import_spreadsheet(folder, output)
    assert imported.model_dump() == example.model_dump()
    assert output.read_text(encoding="utf-8").startswith("{")
    assert load_chain(output).model_dump() == example.model_dump()


def test_every_field_round_trips(tmp_path: Path) -> None:
    """Dates, booleans, coordinates, extra identifier schemes, leading zeros and lists."""
    chain = Chain(
        subtier=1,
        name="All fields",
        root="a",
        description="Every kind of cell",
        organizations=[
            Organization(
                id="a",
                name="A Inc",
                aliases=["A", "A Incorporated"],
                zip="08360",
                identifiers={"ein": "01-2345678", "duns": "012345678"},
            ),
            Organization(id="b", name="B LLC", type=OrgType.INDIVIDUAL),
        ],
        sites=[Site(id="s1", name="Shop", latitude=35.1, longitude=-96.2, zip="07410-1234")],
        engagements=[
            Engagement(
                id="e1",
                buyer="a",
                supplier="b",
                sites=["s1"],
                price=Money(amount=1200, per=Per.MONTH, currency="EUR"),
                start=date(2019, 12, 1),
                end=date(2020, 1, 31),
                subcontractors_disclosed=True,
            )
        ],
        workforces=[
            Workforce(
                site="s1",
                engagement="e1",
                labor=Labor.INCARCERATED,
                headcount=40,
                pay=Money(amount=0.5, per=Per.HOUR),
                paid_to="a",
                deductions=0.8,
                hours_per_week=30,
                hours=12000.5,
            )
        ],
    )
    for fmt, name in ((TemplateFormat.XLSX, "all.xlsx"), (TemplateFormat.CSV, "all")):
        written = write_template(tmp_path / name, fmt, chain)
        assert load_spreadsheet(written).model_dump() == chain.model_dump(), fmt


def test_cli_template_and_import(tmp_path: Path, example: Chain) -> None:
    done = run("template", "--example", "--output", "procom.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = run("import", "procom.xlsx", "--output", "chain.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "4 organizations, 2 sites, 3 engagements, 1 workforces" in done.stderr
    assert load_chain(tmp_path / "chain.yaml").model_dump() == example.model_dump()

    done = run("template", "--format", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "chain-template" / "organizations.csv").is_file()


def test_cli_import_error_exits_2_and_writes_nothing(tmp_path: Path, filled: Path) -> None:
    edit(filled, "engagements", 4, "supplier", "procm")
    done = run("import", str(filled), "--output", "chain.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "sheet 'engagements', row 4, column 'supplier': unknown organization id" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "chain.yaml").exists()


def test_cli_template_from_a_chain_file(tmp_path: Path, example: Chain) -> None:
    done = run("template", "--from", str(EXAMPLE), "-f", "csv", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert load_spreadsheet(tmp_path / "out").model_dump() == example.model_dump()
    done = run("template", "--from", str(EXAMPLE), "--example", cwd=tmp_path)
    assert done.returncode == 2
    assert "not both" in done.stderr


# --- the template ---------------------------------------------------------------------------


def test_blank_template_layout(tmp_path: Path) -> None:
    path = write_template(tmp_path / "blank.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["instructions", *SHEETS]
    chain = sheet(book, "chain")
    assert [[c.value for c in row] for row in chain.iter_rows()] == [
        ["field", "value"],
        ["subtier", 1],
        ["name", None],
        ["root", None],
        ["description", None],
    ]
    engagements = sheet(book, "engagements")
    assert [c.value for c in engagements[1]] == [
        "id", "buyer", "supplier", "service", "sites", "price_amount", "price_per",
        "price_currency", "start", "end", "subcontractors_disclosed", "disclosure_required",
        "paid_through", "source",
    ]  # fmt: skip
    organizations = sheet(book, "organizations")
    header = [c.value for c in organizations[1]]
    identifiers = [h for h in header if str(h).startswith("identifiers.")]
    assert identifiers == [
        "identifiers.fec",
        "identifiers.ein",
        "identifiers.lei",
        "identifiers.uei",
    ]
    for name in SHEETS:
        ws = sheet(book, name)
        assert ws.freeze_panes == "A2", name
        assert ws.column_dimensions["A"].width >= 10
    assert organizations.max_row == 1  # headers only


def test_drop_downs_for_choices(tmp_path: Path) -> None:
    book = load_workbook(write_template(tmp_path / "blank.xlsx"))

    def lists(name: str) -> dict[str, str]:
        ws = sheet(book, name)
        header = [c.value for c in ws[1]]
        out = {}
        for rule in ws.data_validations.dataValidation:
            column = header[next(iter(rule.sqref.ranges)).min_col - 1]
            out[str(column)] = str(rule.formula1)
        return out

    assert lists("organizations")["type"] == (
        '"campaign,company,nonprofit,agency,correctional-industries,individual,unknown"'
    )
    assert lists("workforces")["labor"] == (
        '"employee,contractor,agency,incarcerated,volunteer,unknown"'
    )
    assert lists("workforces")["pay_per"] == '"hour,day,week,month,year,call,total"'
    assert lists("engagements")["price_per"] == '"hour,day,week,month,year,call,total"'
    assert lists("engagements")["subcontractors_disclosed"] == '"TRUE,FALSE"'
    assert "organizations!$A" in lists("engagements")["supplier"]


def test_instructions_come_from_the_model(tmp_path: Path) -> None:
    rows = instructions()
    columns = {(sheet_name, column) for sheet_name, column, *_ in rows}
    for s in template_sheets():
        for column in s.columns:
            assert (s.name, column.name) in columns
    meanings = {(sheet_name, column): meaning for sheet_name, column, _, _, meaning in rows}
    assert all(meanings.values()), [k for k, v in meanings.items() if not v]
    assert meanings["engagements", "buyer"] == Engagement.model_fields["buyer"].description
    assert meanings["workforces", "labor"] == Workforce.model_fields["labor"].description
    assert "ISO 4217" in meanings["engagements", "price_currency"]

    book = load_workbook(write_template(tmp_path / "blank.xlsx"))
    text = {str(c.value) for row in sheet(book, "instructions").iter_rows() for c in row}
    assert Site.model_fields["operator"].description in text
    assert (
        "one of: employee, contractor, agency, incarcerated, volunteer, unknown; empty means unknown"
        in text
    )


def test_example_option_uses_the_procom_chain(example: Chain) -> None:
    assert example_chain().model_dump() == example.model_dump()


def test_docs_list_every_column() -> None:
    text = (ROOT / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
    for s in template_sheets():
        listed = ", ".join(f"`{name}`" for name in [c.name for c in s.columns])
        assert f"| `{s.name}` | {listed} |" in text, s.name


def test_readme_shows_the_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "subtier template" in readme
    assert "subtier import" in readme
    assert "docs/spreadsheets.md" in readme


# --- the required failures: each names row and column, and imports nothing ------------------


def test_missing_column(tmp_path: Path, filled: Path) -> None:
    book = load_workbook(filled)
    ws = sheet(book, "engagements")
    ws.delete_cols(position(ws, "supplier"))
    book.save(filled)
    message = failed_import(filled, tmp_path / "chain.yaml")
    assert message == (
        f"{filled}: sheet 'engagements', row 1, column 'supplier': missing column; "
        "this sheet needs it"
    )


def test_bad_number(tmp_path: Path, filled: Path) -> None:
    edit(filled, "engagements", 4, "price_amount", "7,25 dollars")
    message = failed_import(filled, tmp_path / "chain.yaml")
    assert message == (
        f"{filled}: sheet 'engagements', row 4, column 'price_amount': Input should be a valid "
        "number, unable to parse string as a number (got '7,25 dollars')"
    )


def test_unknown_reference(tmp_path: Path, filled: Path) -> None:
    edit(filled, "engagements", 4, "supplier", "procm")
    message = failed_import(filled, tmp_path / "chain.yaml")
    assert message == (
        f"{filled}: sheet 'engagements', row 4, column 'supplier': unknown organization id 'procm'"
    )


def test_duplicate_id(tmp_path: Path, filled: Path) -> None:
    edit(filled, "organizations", 5, "id", "vendor")
    message = failed_import(filled, tmp_path / "chain.yaml")
    assert message.startswith(
        f"{filled}: sheet 'organizations', row 5, column 'id': "
        "duplicate id 'vendor': already used in row 3"
    )


def test_wrong_enum_value(tmp_path: Path, filled: Path) -> None:
    edit(filled, "workforces", 2, "labor", "prisoners")
    message = failed_import(filled, tmp_path / "chain.yaml")
    assert message == (
        f"{filled}: sheet 'workforces', row 2, column 'labor': Input should be 'employee', "
        "'contractor', 'agency', 'incarcerated', 'volunteer' or 'unknown' (got 'prisoners')"
    )


def test_missing_sheet(tmp_path: Path, filled: Path) -> None:
    book = load_workbook(filled)
    sheet(book, "workforces").title = "Workforce"  # renamed: not the sheet the template has
    book.save(filled)
    message = failed_import(filled, tmp_path / "chain.yaml")
    assert message.startswith(
        f"{filled}: sheet 'workforces': missing sheet (did you mean 'Workforce'?); "
        "the workbook has 'instructions', 'chain', "
    )


def test_missing_csv_file(tmp_path: Path, folder: Path) -> None:
    (folder / "sites.csv").unlink()
    message = failed_import(folder, tmp_path / "chain.yaml")
    assert message.startswith(f"{folder / 'sites.csv'}: missing file; the folder needs chain.csv")


def test_csv_errors_name_the_file_row_and_column(tmp_path: Path, folder: Path) -> None:
    path = folder / "engagements.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[3][rows[0].index("supplier")] = "procm"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    message = failed_import(folder, tmp_path / "chain.yaml")
    assert message == f"{path}: row 4, column 'supplier': unknown organization id 'procm'"


def test_failure_keeps_an_existing_output(tmp_path: Path, filled: Path) -> None:
    output = tmp_path / "chain.yaml"
    output.write_text("# mine\n", encoding="utf-8")
    edit(filled, "engagements", 4, "supplier", "procm")
    with pytest.raises(SpreadsheetError):
        import_spreadsheet(filled, output)
    assert output.read_text(encoding="utf-8") == "# mine\n"


# --- collecting problems --------------------------------------------------------------------


def test_all_problems_are_reported_together(tmp_path: Path, filled: Path) -> None:
    book = load_workbook(filled)
    organizations = sheet(book, "organizations")
    organizations.cell(2, position(organizations, "type"), "campain")
    engagements = sheet(book, "engagements")
    engagements.cell(2, position(engagements, "price_amount"), -3)
    engagements.cell(3, position(engagements, "start"), "43800")  # text
    engagements.cell(1, position(engagements, "source"), "sorce")
    workforces = sheet(book, "workforces")
    workforces.cell(2, position(workforces, "headcount"), "many")
    book.save(filled)
    lines = problems(filled)
    assert lines == [
        f"{filled}: sheet 'organizations', row 2, column 'type': Input should be 'campaign', "
        "'company', 'nonprofit', 'agency', 'correctional-industries', 'individual' or 'unknown' "
        "(got 'campain')",
        f"{filled}: sheet 'engagements', row 1, column 'sorce': unknown column "
        "(did you mean 'source'?)",
        f"{filled}: sheet 'engagements', row 2, column 'price_amount': Input should be greater "
        "than or equal to 0 (got -3)",
        f"{filled}: sheet 'engagements', row 2, column 'price_per': the cell is empty; it is "
        "needed when price is given",
        f"{filled}: sheet 'engagements', row 3, column 'start': expected a date (YYYY-MM-DD), "
        "found the number 43800; format the cell as a date or type the date as text",
        f"{filled}: sheet 'workforces', row 2, column 'headcount': Input should be a valid "
        "integer, unable to parse string as an integer (got 'many')",
    ]


def test_problems_are_capped_at_twenty(tmp_path: Path, filled: Path) -> None:
    book = load_workbook(filled)
    ws = sheet(book, "sites")
    for row in range(4, 34):
        ws.cell(row, position(ws, "id"), f"s{row}")
        ws.cell(row, position(ws, "name"), "Site")
        ws.cell(row, position(ws, "latitude"), 200)
    book.save(filled)
    lines = problems(filled)
    assert len(lines) == 21
    assert lines[-1] == "... and 10 more problems"
    assert "row 4, column 'latitude'" in lines[0]


def test_references_are_checked_after_the_fields(tmp_path: Path, filled: Path) -> None:
    """As in a chain file: ids are checked once every row is well formed."""
    edit(filled, "engagements", 4, "supplier", "procm")
    edit(filled, "workforces", 2, "engagement", "lab")
    edit(filled, "sites", 3, "operator", "procm")
    edit(filled, "engagements", 3, "sites", "vineland; taftt")
    lines = problems(filled)
    assert [line.split(": ", 1)[1] for line in lines] == [
        "sheet 'sites', row 3, column 'operator': unknown organization id 'procm'",
        "sheet 'engagements', row 3, column 'sites': unknown site id 'taftt'",
        "sheet 'engagements', row 4, column 'supplier': unknown organization id 'procm'",
        "sheet 'workforces', row 2, column 'engagement': unknown engagement id 'lab'",
    ]


def test_chain_sheet_problems(tmp_path: Path, filled: Path) -> None:
    book = load_workbook(filled)
    ws = sheet(book, "chain")
    ws.cell(2, 2, 2)  # subtier
    ws.cell(4, 2, "Campaign")  # root
    ws.cell(6, 1, "nmae")
    ws.cell(6, 2, "x")
    book.save(filled)
    assert problems(filled) == [
        f"{filled}: sheet 'chain', row 2, column 'value': unsupported template version 2; "
        "this subtier reads 1",
        f"{filled}: sheet 'chain', row 6, column 'field': unknown field (did you mean 'name'?); "
        "the chain sheet has subtier, name, root, description",
    ]
    edit(filled, "chain", 2, "value", 1)
    edit(filled, "chain", 6, "field", None)
    edit(filled, "chain", 6, "value", None)
    assert problems(filled) == [
        f"{filled}: sheet 'chain', row 4, column 'value': unknown organization id 'Campaign' "
        "(did you mean 'campaign'?)"
    ]


# --- reading cells --------------------------------------------------------------------------


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(
    tmp_path: Path, filled: Path, example: Chain
) -> None:
    book = load_workbook(filled)
    ws = sheet(book, "engagements")
    ws.insert_rows(3, amount=2)
    ws.cell(4, 2, "   ")  # only spaces: blank too
    book.save(filled)
    assert load_spreadsheet(filled).model_dump() == example.model_dump()
    edit(filled, "engagements", 6, "supplier", "procm")
    assert problems(filled) == [
        f"{filled}: sheet 'engagements', row 6, column 'supplier': unknown organization id 'procm'"
    ]


def test_numbers_stored_by_excel_come_back_as_text(tmp_path: Path, filled: Path) -> None:
    book = load_workbook(filled)
    ws = sheet(book, "sites")
    ws.cell(2, position(ws, "zip"), 8360)  # 08360 typed as a number
    ws.cell(3, position(ws, "zip"), "07410")  # typed as text: kept
    ws.cell(3, position(ws, "address"), 601.0)  # a float where text goes
    organizations = sheet(book, "organizations")
    organizations.cell(2, position(organizations, "identifiers.ein"), 123456789)
    organizations.cell(3, position(organizations, "zip"), 74463.0)
    book.save(filled)
    chain = load_spreadsheet(filled)
    assert chain.sites[0].zip == "08360"
    assert chain.sites[1].zip == "07410"
    assert chain.sites[1].address == "601"
    assert chain.organizations[0].identifiers == {"fec": "C00728154", "ein": "123456789"}
    assert chain.organizations[1].zip == "74463"


def test_booleans(tmp_path: Path, filled: Path) -> None:
    for value, expected in (
        ("TRUE", True),
        ("yes", True),
        ("No", False),
        ("false", False),
        (True, True),
        (False, False),
        (None, None),
    ):
        edit(filled, "engagements", 2, "subcontractors_disclosed", value)
        assert load_spreadsheet(filled).engagements[0].subcontractors_disclosed is expected, value
    edit(filled, "engagements", 2, "subcontractors_disclosed", "maybe")
    assert problems(filled) == [
        f"{filled}: sheet 'engagements', row 2, column 'subcontractors_disclosed': "
        "expected TRUE or FALSE (or yes, no), found 'maybe'"
    ]


def test_dates_text_numbers_and_choices(tmp_path: Path, filled: Path) -> None:
    edit(filled, "engagements", 2, "start", datetime(2019, 12, 1))
    edit(filled, "engagements", 2, "end", "2019-12-31")
    edit(filled, "engagements", 4, "price_amount", "7.25")
    edit(filled, "engagements", 4, "price_currency", "usd")
    edit(filled, "workforces", 2, "labor", "Incarcerated")
    edit(filled, "workforces", 2, "headcount", 40.0)
    chain = load_spreadsheet(filled)
    assert (chain.engagements[0].start, chain.engagements[0].end) == (
        date(2019, 12, 1),
        date(2019, 12, 31),
    )
    assert chain.engagements[2].price == Money(amount=7.25, per=Per.HOUR, currency="USD")
    assert chain.workforces[0].labor == "incarcerated"
    assert chain.workforces[0].headcount == 40


def test_unknown_identifier_schemes_are_read(tmp_path: Path, filled: Path) -> None:
    book = load_workbook(filled)
    ws = sheet(book, "organizations")
    column = ws.max_column + 1
    ws.cell(1, column, "identifiers.duns")
    ws.cell(4, column, "012345678")
    book.save(filled)
    assert load_spreadsheet(filled).organizations[2].identifiers == {"duns": "012345678"}


def test_a_value_without_a_header(tmp_path: Path, filled: Path) -> None:
    book = load_workbook(filled)
    ws = sheet(book, "sites")
    column = ws.max_column + 2
    ws.cell(3, column, "stray")
    book.save(filled)
    assert problems(filled) == [
        f"{filled}: sheet 'sites', row 3: a value in column {get_column_letter(column)}, "
        "which has no header: 'stray'"
    ]


def test_inputs_that_are_not_templates(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        load_spreadsheet(tmp_path / "nothing.xlsx")
    single = tmp_path / "organizations.csv"
    single.write_text("id,name\n", encoding="utf-8")
    with pytest.raises(InputError, match="give the folder of CSV files"):
        load_spreadsheet(single)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable XLSX workbook"):
        load_spreadsheet(broken)


def test_semicolon_csv_and_non_utf8(tmp_path: Path, folder: Path, example: Chain) -> None:
    path = folder / "organizations.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    assert load_spreadsheet(folder).model_dump() == example.model_dump()
    path.write_bytes("id,name\nx,Caf\xe9\n".encode("cp1252"))
    assert problems(folder)[0] == (
        f"{path}: not UTF-8 text (invalid byte at offset 13); save it as 'CSV UTF-8'"
    )


def test_yaml_output_quotes_what_yaml_would_misread(tmp_path: Path, filled: Path) -> None:
    edit(filled, "organizations", 2, "name", "Yes")
    edit(filled, "sites", 3, "zip", "07410")
    output = tmp_path / "chain.yaml"
    import_spreadsheet(filled, output)
    data = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert data["organizations"][0]["name"] == "Yes"
    assert data["sites"][1]["zip"] == "07410"
    assert load_chain(output).organizations[0].name == "Yes"


def test_excel_errors_and_duplicate_columns(tmp_path: Path, filled: Path) -> None:
    book = load_workbook(filled)
    ws = sheet(book, "sites")
    ws.cell(2, position(ws, "city"), "#N/A")  # openpyxl stores this as an error cell
    ws.cell(1, ws.max_column + 1, "Name")
    chain = sheet(book, "chain")
    chain.delete_rows(3)  # the name row
    book.save(filled)
    assert problems(filled) == [
        f"{filled}: sheet 'chain', column 'field': no row for 'name', which is required",
        f"{filled}: sheet 'sites', row 1, column 'name': column given twice (columns B and N)",
        f"{filled}: sheet 'sites', row 2, column 'city': the cell holds the Excel error #N/A",
    ]


def test_a_list_value_with_the_separator_cannot_be_written(tmp_path: Path) -> None:
    chain = Chain(
        subtier=1,
        name="x",
        root="a",
        organizations=[Organization(id="a", name="A", aliases=["A; the first"])],
    )
    with pytest.raises(InputError, match="contains ';'"):
        write_template(tmp_path / "x.xlsx", TemplateFormat.XLSX, chain)
    assert not (tmp_path / "x.xlsx").exists()
