from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from subtier.ingest import load_policy
from subtier.lists import facilities
from subtier.model import Chain
from subtier.policy import Policy
from subtier.screen import RiskList

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "procom-2019.yaml"


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
