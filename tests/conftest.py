from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from subtier.core.model import Chain
from subtier.core.policy import Policy
from subtier.core.screen import RiskList
from subtier.formats import load_policy
from subtier.lists import facilities
from tests.paths import ROOT as ROOT  # re-exported: the tests import it from here too

EXAMPLE = ROOT / "examples" / "procom-2019.yaml"


def run_cli(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as a user would, and capture what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "subtier", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=dict(env) if env is not None else None,
    )


@pytest.fixture(scope="session", autouse=True)
def subtier_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data folder of the tests' own, for what subtier stores there (prepared lists, the
    bundled one among them): the suite never writes into the user's own folder."""
    folder = tmp_path_factory.mktemp("subtier-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SUBTIER_HOME", str(folder))
        yield folder


@pytest.fixture(scope="session")
def facility_list() -> RiskList:
    return facilities()


@pytest.fixture(scope="session")
def default_policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="session")
def example_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def make_chain(example_data: dict[str, Any]) -> Callable[..., Chain]:
    """The example chain with its Taft site's fields replaced."""

    def build(**site: Any) -> Chain:
        data = copy.deepcopy(example_data)
        for entry in data["sites"]:
            if entry["id"] == "taft":
                for key in ("address", "city", "state", "zip", "country", "latitude", "longitude"):
                    entry.pop(key, None)
                entry.update(site)
        return Chain.model_validate(data)

    return build
