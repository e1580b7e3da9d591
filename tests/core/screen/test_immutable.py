"""Value classes: plain dataclasses at run time, immutable to the type checker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from subtier.core.immutable import immutable
from subtier.core.screen import make_record
from tests.paths import ROOT

REPO = ROOT


@immutable(hashable=True)
class Point:
    x: int
    y: int = 0


def test_a_value_class_compares_and_hashes_by_its_fields() -> None:
    assert Point(1, 2) == Point(1, 2) != Point(1)
    assert len({Point(1, 2), Point(1, 2), Point(1)}) == 2
    record = make_record("x", "Acme Holdings LLC", address="1 N Main St, Springfield, IL 62701")
    assert record.address is not None
    assert hash(record.names[0]) == hash(make_record("y", "ACME HOLDINGS, LLC").names[0])


@pytest.mark.slow
def test_assigning_to_a_field_is_a_type_error(tmp_path: Path) -> None:
    snippet = tmp_path / "assign.py"
    snippet.write_text(
        "from subtier.core.screen import make_record\n"
        "record = make_record('x', 'Acme')\n"
        "record.name = 'Other'\n"
        "if record.address is not None:\n"
        "    record.address.zip5 = '74463'\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         "--config-file", str(REPO / "pyproject.toml"), str(snippet)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout
    assert 'Property "name" defined in "Record" is read-only' in done.stdout
    assert 'Property "zip5" defined in "Address" is read-only' in done.stdout
