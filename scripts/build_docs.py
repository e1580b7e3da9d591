"""Regenerate the parts of the docs that come from the code: the feature table and the rules.

    python scripts/build_docs.py

Each generated part sits between `<!-- generated: NAME -->` and `<!-- end: NAME -->` markers;
tests fail when the docs and the code disagree.
"""

from __future__ import annotations

import inspect
import json
import re
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from subtier.core.policy import RULES
from subtier.core.screen import WEIGHTS
from subtier.core.screen.programs import SIGNALS
from subtier.environment import environment_table

DOCS = Path(__file__).resolve().parent.parent / "docs"


def features_table() -> str:
    rows = ["| feature | topic | weight | what it means |", "|---|---|---|---|"]
    for name, (fn, topic, weight) in WEIGHTS.items():
        doc = " ".join((inspect.getdoc(fn) or "").split())
        rows.append(f"| `{name}` | {topic} | {weight:+.2f} | {doc} |")
    return "\n".join(rows)


def programs_table() -> str:
    rows = ["| signal | topic | what it means |", "|---|---|---|"]
    for name, (fn, topic) in SIGNALS.items():
        doc = " ".join((inspect.getdoc(fn) or "").split())
        rows.append(f"| `{name}` | {topic} | {doc} |")
    return "\n".join(rows)


def _default(field: FieldInfo) -> str:
    """A parameter's default as a policy file would write it."""
    value = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
    if isinstance(value, Enum):
        value = value.value
    return json.dumps(value)


def rules_text() -> str:
    parts = []
    for name, (fn, params) in RULES.items():
        fields = ", ".join(
            f"`{k}` (default `{_default(v)}`)" if not v.is_required() else f"`{k}`"
            for k, v in params.model_fields.items()
            if k != "enabled"
        )
        parts.append(
            f"### `{name}`\n\n{inspect.getdoc(fn)}\n\nParameters: {fields}, `enabled` (default true).\n"
        )
    return "\n".join(parts)


def api_reference() -> str:
    """Each public name of ``subtier``: its signature and its docstring."""
    import subtier

    parts = []
    for name in subtier.__all__:
        if name == "__version__":
            continue
        obj = getattr(subtier, name)
        kind = "class" if inspect.isclass(obj) else "function"
        try:
            signature = f"{name}{inspect.signature(obj)}"
        except (TypeError, ValueError):
            signature = name
        if kind == "class" and issubclass(obj, Exception):
            signature = name
        doc = inspect.getdoc(obj) or ""
        parts.append(
            f"### `{name}`\n\n{kind} `{obj.__module__}.{name}`\n\n```python\n"
            f"{signature}\n```\n\n{doc}".rstrip()
        )
    return "\n\n".join(parts)


ROOT = DOCS.parent
FEC_SAMPLE = ROOT / "tests" / "fec" / "fixtures" / "1527862.fec"
# The sections of `subtier fec` output each sample shows, and how many lines of each.
README_SECTIONS = {"subtier fec:": 1, "SCHEDULE B BY LINE": 7, "MEMO SUB-ITEMIZATIONS": 4,
                   "FINDINGS": 5, "WORKLIST": 8}  # fmt: skip
FEC_DOC_SECTIONS = {"SCHEDULE B BY LINE": 7, "MEMO SUB-ITEMIZATIONS": 7, "WORKLIST": 12}


def fec_text() -> str:
    """What `subtier fec` prints on the bundled filing, as the command line prints it."""
    from subtier.fec import run_fec
    from subtier.fec.report import render_text
    from subtier.formats import load_policy
    from subtier.lists import facilities

    return render_text(run_fec([FEC_SAMPLE], load_policy(), [facilities()]))


def fec_excerpt(text: str, sections: dict[str, int], command: str) -> str:
    """The first lines of each section named, "  ..." where lines are left out."""
    lines = text.splitlines()
    out = [f"$ {command}"]
    for start, count in sections.items():
        at = next(i for i, line in enumerate(lines) if line.startswith(start))
        end = next((i for i in range(at, len(lines)) if not lines[i].strip()), len(lines))
        out += lines[at : min(end, at + count)]
        if end > at + count:
            out.append("  ...")
    return "```text\n" + "\n".join(out) + "\n```"


def fec_samples() -> dict[tuple[str, str], str]:
    """(file, marker name) → the sample's text."""
    text = fec_text()
    command = "subtier fec tests/fec/fixtures/1527862.fec"
    return {
        ("README.md", "fec-sample"): fec_excerpt(
            text, README_SECTIONS, command + " --save --as biden-q2"
        ),
        ("docs/fec.md", "fec-sample"): fec_excerpt(text, FEC_DOC_SECTIONS, command),
    }


def cli_reference() -> str:
    """Every command and option of the command line, from the typer app itself."""
    import typer

    from subtier.cli import app

    root = typer.main.get_command(app)
    parts: list[str] = []

    def document(command: Any, name: str) -> None:
        help_text = inspect.cleandoc(command.help or "").split("\n\n")
        parts.append(f"## `{name}`\n")
        parts.append(help_text[0].strip() + "\n")
        rows = []
        for param in command.params:
            if type(param).__name__.endswith("Option"):
                if param.hidden:
                    continue
                flags = ", ".join(f"`{o}`" for o in (*param.opts, *param.secondary_opts))
                rows.append(f"| {flags} | {' '.join((param.help or '').split())} |")
            elif type(param).__name__.endswith("Argument"):
                rows.append(f"| `{param.human_readable_name}` (argument) | "
                            f"{' '.join((getattr(param, 'help', None) or '').split())} |")  # fmt: skip
        if rows:
            parts.append(
                "| argument or option | what it does |\n|---|---|\n" + "\n".join(rows) + "\n"
            )
        if hasattr(command, "commands"):  # a group of commands: typer's own, not click's class
            for sub_name, sub in command.commands.items():
                document(sub, f"{name} {sub_name}")

    for name, command in getattr(root, "commands", {}).items():
        document(command, f"subtier {name}")
    return "\n".join(parts).rstrip()


def limits_table() -> str:
    """The length limits of a chain's texts (subtier.core.model.limits)."""
    from subtier.core.model.limits import LIMITS

    rows = ["| Texts | At most (characters) |", "|---|---|"]
    rows += [f"| {what} | {limit:,} |" for what, limit in LIMITS.items()]
    return "\n".join(rows)


def replace(path: Path, name: str, body: str) -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"(<!-- generated: {name} -->\n).*?(\n<!-- end: {name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{path}: no markers for {name}")
    path.write_text(pattern.sub(lambda m: m.group(1) + body + m.group(2), text), encoding="utf-8")


def main() -> None:
    replace(DOCS / "screening.md", "features", features_table())
    replace(DOCS / "screening.md", "programs", programs_table())
    replace(DOCS / "policy.md", "rules", rules_text())
    replace(DOCS / "environment.md", "environment", environment_table())
    replace(DOCS / "chain-file.md", "limits", limits_table())
    replace(DOCS / "api.md", "api", api_reference())
    replace(DOCS / "cli.md", "cli", cli_reference())
    for (file, name), body in fec_samples().items():
        replace(ROOT / file, name, body)
    print("docs regenerated")


if __name__ == "__main__":
    main()
