from __future__ import annotations

from pathlib import Path

import pytest

from subtier.fec import FecResult, run_fec
from subtier.formats import load_policy
from subtier.lists import facilities

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "1527862.fec"


@pytest.fixture(scope="session")
def sample() -> FecResult:
    return run_fec([SAMPLE], load_policy(), [facilities()])
