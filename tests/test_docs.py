"""The docs say what the code does: rule and feature docstrings appear verbatim."""

from __future__ import annotations

import inspect

from subtier.core.policy import RULES
from subtier.core.screen import WEIGHTS

from .conftest import ROOT


def test_every_rule_is_documented_with_its_docstring() -> None:
    text = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    for name, (fn, _params) in RULES.items():
        assert f"### `{name}`" in text, name
        assert (inspect.getdoc(fn) or "") in text, f"docs/policy.md is out of date for {name}"


def test_every_feature_is_documented_with_its_weight() -> None:
    text = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    for name, (fn, topic, weight) in WEIGHTS.items():
        doc = " ".join((inspect.getdoc(fn) or "").split())
        assert f"| `{name}` | {topic} | {weight:+.2f} | {doc} |" in text, name


def test_every_command_is_in_the_readme() -> None:
    from subtier.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__ if command.callback else "")
        assert f"subtier {name}" in readme, name


def test_every_program_signal_is_documented() -> None:
    from subtier.core.screen.programs import SIGNALS

    text = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    for name, (fn, topic) in SIGNALS.items():
        doc = " ".join((inspect.getdoc(fn) or "").split())
        assert f"| `{name}` | {topic} | {doc} |" in text, name


def test_the_readme_sample_is_what_check_prints() -> None:
    from .conftest import EXAMPLE, run_cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("```text\nsubtier check: MIKE")[1].split("```")[0]
    printed = run_cli("check", str(EXAMPLE)).stdout
    for line in ("subtier check: MIKE" + sample).splitlines():
        assert line.rstrip() in printed, line


def test_every_environment_variable_is_in_the_table() -> None:
    import re

    from subtier.environment import ENVIRONMENT, environment_table

    read: set[str] = set()
    for path in (ROOT / "src" / "subtier").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"os\.environ\.get\(\"([A-Z_]+)\"", text))
        read |= set(re.findall(r"envvar=\"([A-Z_]+)\"", text))
    assert read == set(ENVIRONMENT)
    doc = (ROOT / "docs" / "environment.md").read_text(encoding="utf-8")
    assert environment_table() in doc


def test_the_api_reference_is_up_to_date() -> None:
    import subprocess
    import sys

    import subtier

    code = "import sys; sys.path.insert(0, 'scripts'); import build_docs; print(build_docs.api_reference())"
    made = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.rstrip("\n")
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert made in doc
    for name in subtier.__all__:
        assert name == "__version__" or f"### `{name}`" in doc


def test_the_fec_samples_are_what_the_command_prints() -> None:
    import re
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    import build_docs

    from .conftest import run_cli

    printed = run_cli("fec", str(build_docs.FEC_SAMPLE)).stdout
    assert printed == build_docs.fec_text()
    for (file, name), body in build_docs.fec_samples().items():
        text = (ROOT / file).read_text(encoding="utf-8")
        found = re.search(rf"<!-- generated: {name} -->\n(.*?)\n<!-- end: {name} -->", text, re.S)
        assert found, f"{file}: no {name} markers"
        assert found.group(1) == body, f"{file} is out of date: run scripts/build_docs.py"


def test_the_cli_reference_is_up_to_date() -> None:
    """docs/cli.md holds every command and option as the command line declares them."""
    import subprocess
    import sys

    code = "import sys; sys.path.insert(0, 'scripts'); import build_docs; print(build_docs.cli_reference())"
    made = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.rstrip("\n")
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert made in doc, "docs/cli.md is out of date: run scripts/build_docs.py"
    for command in ("subtier check", "subtier lists add", "subtier fec", "subtier invite"):
        assert f"## `{command}`" in doc, command
    assert "`--kind`" in doc


def test_the_tutorial_uses_real_commands_and_options() -> None:
    import re

    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"## `(subtier [a-z ]+)`\n(.*?)(?=\n## `|\Z)", cli, re.S))
    tutorial = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    lines = [
        line for block in re.findall(r"```sh\n(.*?)```", tutorial, re.S)
        for line in block.splitlines() if line.startswith("subtier ")
    ]  # fmt: skip
    assert len(lines) >= 7
    for line in lines:
        words = line.split()
        name = " ".join(words[:3]) if " ".join(words[:3]) in sections else " ".join(words[:2])
        assert name in sections, line
        for option in (w for w in words if w.startswith("--")):
            assert f"`{option}`" in sections[name], f"{option} of {name}"
