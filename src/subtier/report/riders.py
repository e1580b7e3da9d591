"""Contract riders as Markdown, a printable HTML page or a Word document.

The clauses come from ``subtier.core.policy.clauses``, next to the rules that check them; this module
only lays them out.
"""

from __future__ import annotations

import html
import re
from io import BytesIO
from pathlib import Path
from typing import Final

from subtier.core.policy import RULES
from subtier.core.policy.clauses import Rider, rider
from subtier.errors import InputError
from subtier.formats import load_policy
from subtier.output import is_stdout, write_output

FORMATS: Final = ("md", "html", "docx")

# Characters XML 1.0 cannot hold (a Word document is XML); a policy name could carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Markdown punctuation that would turn a policy name into markup.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&])")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def markdown(r: Rider) -> str:
    """The rider as Markdown: title, policy, preamble, numbered clauses."""
    name = _MD_SPECIAL.sub(r"\\\1", _clean(r.policy))
    lines = [f"# {r.title}", "", f"Policy: **{name}**", ""]
    for paragraph in r.preamble:
        lines += [paragraph, ""]
    for c in r.clauses:
        lines += [f"{c.number}. **{c.heading}.** {c.text}", ""]
    return "\n".join(lines)


_STYLE = """\
body { font: 11pt/1.5 Georgia, "Times New Roman", serif; color: #111; max-width: 42em;
       margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; margin: 0 0 0.25em; }
.policy { margin-top: 0; }
ol.clauses { list-style: none; padding-left: 0; }
ol.clauses li { margin: 0.75em 0; break-inside: avoid; }
@page { margin: 2cm; }
@media print { body { max-width: none; margin: 0; padding: 0; color: #000; } }"""


def html_page(r: Rider) -> str:
    """The rider as a small standalone HTML page, ready to print."""

    def esc(text: str) -> str:
        return html.escape(_clean(text), quote=True)

    body = [
        f"<h1>{esc(r.title)}</h1>",
        f'<p class="policy">Policy: <strong>{esc(r.policy)}</strong></p>',
        *(f"<p>{esc(p)}</p>" for p in r.preamble),
        '<ol class="clauses">',
        *(
            f'<li id="{esc(c.rule)}"><span class="number">{c.number}.</span>'
            f" <strong>{esc(c.heading)}.</strong> {esc(c.text)}</li>"
            for c in r.clauses
        ),
        "</ol>",
    ]
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{esc(r.title)}: {esc(r.policy)}</title>",
            f"<style>\n{_STYLE}\n</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def docx_bytes(r: Rider) -> bytes:
    """The rider as a Word document (.docx)."""
    from subtier.extras import require_extra

    require_extra("docx")
    from docx import Document

    document = Document()
    document.core_properties.title = r.title
    document.core_properties.subject = _clean(f"Policy: {r.policy}")
    document.add_heading(r.title, level=1)
    policy = document.add_paragraph("Policy: ")
    policy.add_run(_clean(r.policy)).bold = True
    for paragraph in r.preamble:
        document.add_paragraph(paragraph)
    for c in r.clauses:
        clause = document.add_paragraph(f"{c.number}. ")
        clause.add_run(f"{c.heading}.").bold = True
        clause.add_run(f" {c.text}")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def write_riders(
    policy: str | Path | None, fmt: str = "md", output: str | Path | None = None
) -> tuple[Rider, Path | None]:
    """Write the rider for the policy file ``policy`` (the bundled default if None).

    Markdown goes to standard output unless ``output`` is given; HTML and Word documents go to
    ``output``, else to ``riders.html`` or ``riders.docx`` in the current folder. Returns the
    rider and the file written, if any. A policy that turns on no rule has no clauses: that is
    an error rather than an empty rider.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    r = rider(load_policy(policy))
    if not any(c.rule in RULES for c in r.clauses):
        where = str(policy) if policy is not None else "default policy"
        raise InputError("the policy turns on no rule, so the rider has no clauses", file=where)
    content: str | bytes
    if fmt == "docx":
        content = docx_bytes(r)
    elif fmt == "html":
        content = html_page(r)
    else:
        content = markdown(r)
    if is_stdout(output) and (output is not None or fmt == "md"):
        write_output(output, content)
        return r, None
    path = Path(output) if output is not None else Path(f"riders.{fmt}")
    write_output(path, content)
    return r, path
