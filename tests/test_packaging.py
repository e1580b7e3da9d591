"""Packaging: extras named as pyproject declares them, the bundled example, missing extras."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from subtier import extras
from subtier.data import example_path
from subtier.errors import InputError
from subtier.extras import EXTRAS, MissingExtraError, require_extra

from .conftest import EXAMPLE, ROOT


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "subtier", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_extra_is_declared_and_all_holds_them() -> None:
    declared = PYPROJECT["project"]["optional-dependencies"]
    assert set(EXTRAS) == set(declared) - {"all", "dev"}
    (everything,) = declared["all"]
    assert everything == f"subtier[{','.join(EXTRAS)}]"


def test_no_runtime_dependency_is_pinned_exactly() -> None:
    project = PYPROJECT["project"]
    runtime = list(project["dependencies"])
    for name, deps in project["optional-dependencies"].items():
        if name != "dev":
            runtime += deps
    assert not [d for d in runtime if "==" in d.split(";")[0]]
    # uvloop has no Windows wheels.
    (uvloop,) = [d for d in runtime if d.startswith("uvloop")]
    assert "sys_platform != 'win32'" in uvloop


def test_the_lock_pins_every_declared_dependency() -> None:
    locked = {
        line.split("==")[0].lower()
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if "==" in line
    }
    for dep in PYPROJECT["project"]["dependencies"]:
        name = dep.split(">")[0].split("<")[0].split("[")[0].split(";")[0].strip().lower()
        assert name in locked, name


def test_the_bundled_example_is_the_repository_s() -> None:
    assert example_path().read_bytes() == EXAMPLE.read_bytes()


def test_demo_prints_the_reference_case_from_anywhere(tmp_path: Path) -> None:
    done = run_cli("demo", cwd=tmp_path)
    assert done.returncode == 1
    assert "CRITICAL   no-prison-labor  site taft" in done.stdout
    again = run_cli("check", "--example", cwd=tmp_path)
    assert again.stdout == done.stdout


def test_check_wants_a_chain_or_the_example() -> None:
    done = run_cli("check")
    assert done.returncode == 2
    assert "--example" in done.stderr
    both = run_cli("check", str(EXAMPLE), "--example")
    assert both.returncode == 2


def test_short_help_and_completion() -> None:
    done = run_cli("-h")
    assert done.returncode == 0
    assert "--install-completion" in done.stdout
    assert run_cli("check", "-h").returncode == 0
    assert run_cli("lists", "add", "-h").returncode == 0


def test_quiet_keeps_errors_and_drops_notes(tmp_path: Path) -> None:
    noisy = run_cli("template", "--example", "-o", "t.xlsx", cwd=tmp_path)
    assert "wrote t.xlsx" in noisy.stderr
    quiet = run_cli("-q", "template", "--example", "-o", "t2.xlsx", cwd=tmp_path)
    assert quiet.returncode == 0
    assert quiet.stderr == ""
    failed = run_cli("-q", "check", "no-such-file.yaml", cwd=tmp_path)
    assert failed.returncode == 2
    assert "no such file" in failed.stderr


def test_verbose_says_how_long(tmp_path: Path) -> None:
    done = run_cli("-v", "schema", cwd=tmp_path)
    assert "subtier: done in" in done.stderr


def test_a_missing_extra_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extras, "missing_modules", lambda extra: ["weasyprint"])
    with pytest.raises(MissingExtraError) as caught:
        require_extra("pdf")
    assert isinstance(caught.value, InputError)
    assert str(caught.value) == "this needs the `pdf` extra: pip install 'subtier[pdf]'"


def test_listing_commands_speak_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv("SUBTIER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SUBTIER_DATABASE_URL", f"sqlite:///{tmp_path / 'ws.db'}")
    lists = json.loads(run_cli("lists", "--format", "json", cwd=tmp_path).stdout)
    assert [x["name"] for x in lists][:1] == ["facilities"]
    assert run_cli("check", "--example", "--save", "--as", "p", cwd=tmp_path).returncode == 1
    other = ROOT / "examples" / "sanctioned-subcontractor.yaml"
    assert run_cli("add", str(other), "--as", "p", cwd=tmp_path).returncode == 0
    history = json.loads(run_cli("history", "-f", "json", cwd=tmp_path).stdout)
    assert [v["version"] for v in history] == [1, 2]
    diff = json.loads(run_cli("diff", "p", "-f", "json", cwd=tmp_path).stdout)
    assert (diff["old"], diff["new"]) == (1, 2)
    assert diff["changes"]
    (review,) = json.loads(run_cli("review", "-f", "json", cwd=tmp_path).stdout)
    assert review["chain"] == "p"
    assert any(f["severity"] == "critical" for f in review["pending"])


def test_a_misspelled_list_name_gets_a_suggestion(tmp_path: Path) -> None:
    done = run_cli("check", "--example", "--list", "facilites", cwd=tmp_path)
    assert done.returncode == 2
    assert "did you mean 'facilities'?" in done.stderr


def test_the_public_api_is_all_and_only_all() -> None:
    import subtier

    assert sorted(subtier.__all__) == sorted(["__version__", *subtier._EXPORTS])
    for name in subtier.__all__:
        assert getattr(subtier, name) is not None
    import subtier.app.check  # importing the module behind it does not replace the function

    assert callable(subtier.check)
    assert not isinstance(subtier.check, type(subtier))
