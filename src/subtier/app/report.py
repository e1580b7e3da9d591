"""Writing a check's report in the format asked for: text, JSON, HTML, PDF or FtM."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from rich.console import Console

from subtier.core.check import CheckResult
from subtier.output import is_stdout, open_text, write_output

# The process ends right after a command; freeing a large report object by object on the way
# out costs most of a second at 100,000 sites, so what a command built is kept to the end.
KEEP_UNTIL_EXIT: list[object] = []


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"
    PDF = "pdf"
    FTM = "ftm"


def write_report(
    result: CheckResult, fmt: ReportFormat, output: Path | None, preparer: str | None = None
) -> Path | None:
    """Write the report in its format, to a file (atomically) or to standard output; the file
    written, or None for standard output."""
    if fmt is ReportFormat.JSON:
        from subtier.report.json import dumps, result_dict

        as_dict = result_dict(result)
        data = dumps(as_dict)
        # The process ends right after; freeing a large report object by object on the way out
        # costs most of a second at 100,000 sites, so it is kept to the end.
        KEEP_UNTIL_EXIT.append(as_dict)
    elif fmt is ReportFormat.HTML:
        from subtier.report.html import render_html

        data = render_html(result, preparer=preparer).encode("utf-8")
        output = output or Path("report.html")
    elif fmt is ReportFormat.PDF:
        from subtier.report.html import render_pdf

        data = render_pdf(result, preparer=preparer)
        output = output or Path("report.pdf")
    elif fmt is ReportFormat.FTM:
        import io

        from subtier.extras import require_extra

        require_extra("ftm")
        from subtier.report.ftm import dump_ftm, export_ftm

        buffer = io.BytesIO()
        dump_ftm(export_ftm(result.chain, result), buffer)
        data = buffer.getvalue()
    elif is_stdout(output):
        from subtier.report.text import render

        render(result, Console(highlight=False))
        return None
    else:
        from subtier.report.text import render

        with open_text(output) as handle:
            render(result, Console(file=handle, highlight=False, no_color=True, width=200))
        return output
    KEEP_UNTIL_EXIT.append(data)
    write_output(output, data)
    return None if is_stdout(output) else output
