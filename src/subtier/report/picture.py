"""The chain as a picture: a tiered graph drawn as SVG, flagged nodes in red.

Drawn directly (no Graphviz), so the output is the same on every machine and golden-file tests
can hold it: one column per tier, organizations then sites, an arrow per engagement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from subtier.core.model import Chain, ChainGraph
from subtier.core.policy import Finding, Severity

COLUMN = 210
ROW = 64
BOX_W = 170
BOX_H = 42
MARGIN = 20
MAX_ASPECT = 1.3  # height over width, about an A4 page's text area
MIN_ROWS = 6
_FILL = {"critical": "#fde2e1", "high": "#fde2e1", "medium": "#fff4d6"}
_STROKE = {"critical": "#b42318", "high": "#b42318", "medium": "#b54708"}


def _worst(findings: Iterable[Finding]) -> dict[str, Severity]:
    worst: dict[str, Severity] = {}
    for f in findings:
        # A finding flags its subject; an engagement's finding flags its supplier.
        subject = f.path[-1] if f.subject_kind == "engagement" and f.path else f.subject_id
        if f.subject_kind == "workforce" and len(f.path) > 0:
            subject = f.path[-1]
        if subject not in worst or f.severity.rank > worst[subject].rank:
            worst[subject] = f.severity
    return worst


def _label(text: str, limit: int = 26) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > limit and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], lines[1][: limit - 1] + "…"]
    return lines


def rows_per_column(sizes: Sequence[int]) -> int:
    """How many boxes a tier's column holds before it wraps into another beside it.

    A chain of a few tiers with a long tier (a campaign with 70 vendors) would be a picture
    far taller than wide, shrunk to nothing on a page; wrapping keeps it no taller than
    ``MAX_ASPECT`` times its width, about an A4 page's text area, at no fewer than
    ``MIN_ROWS`` a column. A chain that fits already is drawn as it is."""
    longest = max(sizes, default=1)
    for rows in range(longest, MIN_ROWS - 1, -1):
        columns = sum(-(-n // rows) for n in sizes)
        if rows * ROW <= MAX_ASPECT * columns * COLUMN:
            return rows
    return min(longest, MIN_ROWS)


def chain_svg(chain: Chain, graph: ChainGraph, findings: Iterable[Finding] = ()) -> str:
    """An SVG picture of the chain, flagged nodes outlined by their worst finding's severity."""
    worst = _worst(findings)
    columns: dict[int, list[tuple[str, str, bool]]] = {}
    for org in chain.organizations:
        tier = graph.org_tier.get(org.id)
        columns.setdefault(tier if tier is not None else -1, []).append((org.id, org.name, False))
    for site in chain.sites:
        tier = graph.site_tier(site.id)
        columns.setdefault(tier if tier is not None else -1, []).append((site.id, site.name, True))
    order = sorted(k for k in columns if k >= 0) + ([-1] if -1 in columns else [])
    rows = rows_per_column([len(columns[tier]) for tier in order])
    position: dict[str, tuple[float, float]] = {}
    first_column: dict[int, int] = {}  # tier → the column its title goes over
    x = 0
    for tier in order:
        first_column[tier] = x
        for y, (ident, _name, _is_site) in enumerate(columns[tier]):
            position[ident] = (MARGIN + (x + y // rows) * COLUMN, MARGIN + 24 + (y % rows) * ROW)
        x += -(-len(columns[tier]) // rows)
    height = MARGIN * 2 + 24 + min(rows, max(len(v) for v in columns.values())) * ROW
    width = MARGIN * 2 + x * COLUMN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" font-size="11" '
        'role="img" aria-label="The chain by tier">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#667085"/>'
        "</marker></defs>",
    ]
    for tier in order:
        title = f"tier {tier}" if tier >= 0 else "not reached"
        parts.append(
            f'<text x="{MARGIN + first_column[tier] * COLUMN}" y="{MARGIN + 10}" fill="#475467" font-weight="bold">{title}</text>'
        )
    edges = [(e.buyer, e.supplier, False) for e in chain.engagements]
    edges += [(eng.supplier, s, True) for eng in chain.engagements for s in eng.sites]
    for source, target, dashed in dict.fromkeys(edges):
        if source not in position or target not in position:
            continue
        (x1, y1), (x2, y2) = position[source], position[target]
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        if x1 == x2:  # a site in its operator's column: down the left side, then across
            left = x1 + 10.0
            line = (
                f'<polyline points="{left},{y1 + BOX_H} {left},{y2 + BOX_H / 2} {x2},{y2 + BOX_H / 2}" '
                f'fill="none" stroke="#667085" stroke-width="1.2"{dash} marker-end="url(#arrow)"/>'
            )
        else:
            line = (
                f'<line x1="{x1 + BOX_W}" y1="{y1 + BOX_H / 2}" x2="{x2}" y2="{y2 + BOX_H / 2}" '
                f'stroke="#667085" stroke-width="1.2"{dash} marker-end="url(#arrow)"/>'
            )
        parts.append(line)
    for tier in order:
        for ident, name, is_site in columns[tier]:
            left, top = position[ident]
            severity = worst.get(ident)
            fill = _FILL.get(severity.value, "#f2f4f7") if severity else "#ffffff"
            stroke = _STROKE.get(severity.value, "#98a2b3") if severity else "#98a2b3"
            width_ = 2.5 if severity and severity.rank >= Severity.HIGH.rank else 1
            radius = 14 if is_site else 4
            parts.append(
                f'<g><title>{escape(ident)}</title><rect x="{left}" y="{top}" width="{BOX_W}" height="{BOX_H}" '
                f'rx="{radius}" fill="{fill}" stroke="{stroke}" stroke-width="{width_}"/>'
            )
            for i, line in enumerate(_label(name)):
                parts.append(
                    f'<text x="{left + 8}" y="{top + 17 + i * 14}" fill="#101828">{escape(line)}</text>'
                )
            if severity:
                parts.append(
                    f'<text x="{left + BOX_W - 6}" y="{top + BOX_H - 6}" text-anchor="end" font-size="9" '
                    f'fill="{stroke}">{severity.value}</text>'
                )
            parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
