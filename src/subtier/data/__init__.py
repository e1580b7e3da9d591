"""Data that ships in the package: the bundled lists, the default policy, schemas and examples."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DATA", "example_path"]

DATA = Path(__file__).resolve().parent


def example_path(name: str = "procom-2019") -> Path:
    """A bundled example chain file: ``procom-2019`` is the reference case (``subtier demo``)."""
    return DATA / "examples" / f"{name}.yaml"
