"""The wheel installs beside packages a user already has, without downgrading them.

A fresh venv gets an application's own pins first (pandas 3, and a FastAPI minor older than
requirements.lock's), then pip resolves subtier's wheel with the web extra into it (--dry-run:
nothing more is installed). Nothing already there may be replaced. Needs PyPI, as `make test` does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

NEIGHBOURS = ("pandas==3.1.1", "fastapi==0.160.0")


def _pip(venv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_the_wheel_resolves_beside_pandas_3_and_another_fastapi(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
    )
    (wheel,) = dist.glob("subtier-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    placed = _pip(venv, "install", "-q", *NEIGHBOURS)
    assert placed.returncode == 0, placed.stderr
    report = tmp_path / "report.json"
    resolved = _pip(venv, "install", "--dry-run", "--report", str(report), f"{wheel}[web]")
    assert resolved.returncode == 0, resolved.stderr
    installs = {
        item["metadata"]["name"].lower(): item["metadata"]["version"]
        for item in json.loads(report.read_text(encoding="utf-8"))["install"]
    }
    assert "subtier" in installs
    for pin in NEIGHBOURS:
        name = pin.split("==")[0]
        assert name not in installs, f"pip would replace {pin} with {name} {installs.get(name)}"
