"""Where `-o` writes, and the exit codes, as a user or a CI gate sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from subtier.cli import entry as cli
from tests.conftest import run_cli as run

CLEAN = "subtier: 1\nname: clean\nroot: buyer\norganizations:\n  - id: buyer\n    name: Buyer\n"


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.yaml"
    path.write_text(CLEAN)
    return path


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path, clean: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    done = run("check", str(clean), "--format", "json", "-o", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert '"format": 1' in real.read_text()


def test_dash_is_standard_output(tmp_path: Path, clean: Path) -> None:
    done = run("check", str(clean), "--format", "json", "-o", "-")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{")
    assert not (Path(cli.__file__).parents[3] / "-").exists()


def test_an_unwritable_output_exits_3_with_one_line(tmp_path: Path, clean: Path) -> None:
    target = tmp_path / "no-such-folder" / "report.txt"
    done = run("check", str(clean), "-o", str(target))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"error: cannot write {target}: No such file or directory"
    )
    assert len(done.stderr.strip().splitlines()) == 1
    debug = run("check", str(clean), "-o", str(target), "--debug")
    assert debug.returncode == 3
    assert "Traceback" in debug.stderr


def test_the_local_engine_refuses_a_suffix_it_cannot_write(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n1,Acme\n")
    done = run("screen", str(roster), "--list", "facilities", "-o", str(tmp_path / "o.parquet"))
    assert done.returncode == 2
    assert "Parquet needs --engine spark" in done.stderr
    assert not (tmp_path / "o.parquet").exists()


def test_an_internal_error_is_one_line_and_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli._crashed(KeyError("boom"), debug=False) == 3
    said = capsys.readouterr().err
    assert said.strip() == (
        "error: internal error: KeyError: 'boom' (run again with --debug for the traceback)"
    )
