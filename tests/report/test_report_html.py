"""The due-diligence report: golden HTML and JSON for the reference case, and a real PDF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from subtier.app.check import CheckResult, check
from subtier.core.model import Chain
from subtier.formats import load_chain, load_policy
from subtier.lists import facilities
from subtier.lists.programs import programs
from subtier.report.html import render_html, render_pdf
from subtier.report.json import result_dict
from tests.conftest import EXAMPLE, ROOT

GOLDEN = ROOT / "tests" / "golden"
DAY = date(2026, 11, 25)


def _result() -> CheckResult:
    return check(load_chain(EXAMPLE), load_policy(), [facilities()], programs=programs())


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs: UPDATE_GOLDEN=1 to accept"


def test_html_report_golden() -> None:
    _golden("report-procom-2019.html", render_html(_result(), DAY))


def test_json_report_golden() -> None:
    _golden(
        "check-procom-2019.json",
        json.dumps(result_dict(_result(), DAY), indent=2, ensure_ascii=False) + "\n",
    )


def test_html_report_has_every_section() -> None:
    html = render_html(_result(), DAY)
    for heading in (
        "Summary", "The chain", "Findings (5)", "Money flow", "Remediation options",
        "Disclosure status", "Lists and policy", "Method",
    ):  # fmt: skip
        assert f">{heading}</h2>" in html, heading
    assert "<svg" in html
    assert "DR. EDDIE WARRIOR CORRECTIONAL CENTER" in html
    assert "20%" in html
    assert "USD 13.55 per hour worked" in html
    assert "End the work at Taft call center" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_pdf_renders_with_its_text(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(_result(), DAY))
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Due-diligence report" in text
    assert "no-prison-labor" in text
    assert "DR. EDDIE WARRIOR CORRECTIONAL CENTER" in text
    assert "Remediation options" in text
    assert "page 1 of" in text


def test_html_shows_pay_to_an_organization_as_an_upper_bound(example_data: dict[str, Any]) -> None:
    data = dict(example_data)
    data["workforces"] = [{**example_data["workforces"][0], "paid_to": "oci"}]
    result = check(Chain.model_validate(data), load_policy(), [facilities()])
    page = render_html(result, DAY)
    assert "worker (paid to Oklahoma Correctional Industries)" in page
    assert "at most USD 1.45" in page
    assert "at most 20%" in page
    assert "at least USD 13.55 per hour worked" in page  # the remediation option


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_a_report_to_file(tmp_path: Path) -> None:
    """What a filing needs: scope with what was cleared, sources, the lists' dates with a
    warning, a report id and the chain's hash, the preparer, and a sign-off block."""
    from subtier.report.html import chain_hash, report_id

    result = _result()
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(result, DAY, preparer="Dana Reviewer"))
    text = " ".join(_pdf_text(pdf).split())
    assert "Scope: what was screened" in text
    assert "Vineland call center" in text
    assert "cleared: no match on the facilities, correctional-industries lists" in text
    assert "Sources" in text
    assert "news9.com" in text  # the workforce's source, also in the wage evidence
    assert "list facilities holds data of 2022-02-18, more than a year old" in text
    assert report_id(result, DAY) in text
    assert chain_hash(result)[:16] in text
    assert "prepared by Dana Reviewer" in text
    assert "Sign-off" in text
    assert "reviewed by" in text
    html = render_html(result, DAY)
    assert "['US']" not in html
    assert "False" not in html
    assert "countries: US" in html
    [flow] = [f for f in result.findings if f.rule == "wage-floor"]
    assert flow.evidence[0].source is not None


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_a_long_chain_fits_its_picture(tmp_path: Path) -> None:
    """The 77-organization chain of the bundled FEC filing: every organization is in the
    picture, and no page of the report is blank."""
    from subtier.fec import run_fec
    from tests.fec.conftest import SAMPLE

    result = run_fec([SAMPLE], load_policy(), [facilities()]).result
    pdf = tmp_path / "fec.pdf"
    pdf.write_bytes(render_pdf(result, DAY))
    text = _pdf_text(pdf)
    picture = text.split("The chain")[1].split("Boxes are organizations")[0]
    for org in result.chain.organizations:
        first_word = org.name.split()[0]
        assert first_word in picture, org.name
    subprocess.run(["pdftoppm", "-png", "-r", "20", str(pdf), str(tmp_path / "page")], check=True)
    from PIL import Image

    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    for page in pages:
        with Image.open(page) as image:
            histogram = image.convert("L").histogram()  # pixels per gray level, 0 to 255
            dark = sum(histogram[:200])
        assert dark > 50, f"{page.name} is blank"
