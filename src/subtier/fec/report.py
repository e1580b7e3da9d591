"""The ``subtier fec`` report: text, JSON (``format: 1``) and CSV (one row per payee and payer)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

from subtier.core.policy import Finding
from subtier.fec.conduits import label as conduit_label
from subtier.fec.records import money
from subtier.fec.run import FecResult
from subtier.fec.summary import CategoryTotal
from subtier.output import SafeCsvWriter
from subtier.report.json import dumps, finding_dict

# Payees listed in the text report; JSON and CSV hold them all.
TEXT_PAYEES = 15
AGGREGATED_RULE = "subcontractors-disclosed"


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _difference(cents: int | None) -> str:
    if cents is None:
        return "no summary total"
    if cents < 0:
        return f"{money(cents)} (itemized exceeds the summary)"
    return f"{money(cents)} unitemized" if cents else "none"


def _categories(title: str, totals: list[CategoryTotal]) -> list[str]:
    out = [title]
    if not totals:
        return [*out, "  none"]
    for t in totals:
        mark = "*" if t.labor_intensive else " "
        top = ", ".join(repr(p) for p, _ in t.purposes.most_common(3))
        out.append(f" {mark}{t.label:<46} {money(t.cents):>16} {t.rows:>7,} rows  {top}")
    return out


def _findings(r: FecResult) -> list[str]:
    findings = r.result.findings
    counts = Counter(f.severity.value for f in findings)
    shown = ", ".join(f"{n} {s}" for s, n in counts.items())
    out = [f"FINDINGS ({len(findings)}{': ' + shown if shown else ''})"]
    aggregated = [f for f in findings if f.rule == AGGREGATED_RULE]
    for f in findings:
        if f.rule != AGGREGATED_RULE:
            out.append(f" {f.severity.value.upper():<9} {f.rule}  {f.subject_kind} {f.subject_id}")
            out.append(f"    {f.summary}")
            out.extend(f"    evidence: {e.list} {e.entry_id} {e.entry_name}, score {e.score:.2f}: {e.reasons}"
                       for e in f.evidence if e.list)  # fmt: skip
    if aggregated:
        severity = aggregated[0].severity.value.upper()
        out.append(
            f" {severity:<9} {AGGREGATED_RULE}  {len(aggregated)} engagements: no payee has "
            "disclosed its subcontractors yet (the worklist says whom to ask first)"
        )
    if not findings:
        out.append("  none")
    return out


def render_text(r: FecResult) -> str:
    """The report as plain text, one fact per line."""
    lists = "; ".join(f"{i.name} {i.version} ({i.entries:,} entries)" for i in r.result.lists)
    out = [
        f"subtier fec: {r.committee_name or r.committee} ({r.committee})",
        "files: "
        + "; ".join(
            f"{_name(f.source)} ({f.form_type} {f.report}, filing {f.filing}"
            + (", amendment" if f.amended else "")
            + ("" if f.in_force else ", superseded")
            + ")"
            for f in r.filings
        )
        if r.filings
        else "files: " + ", ".join(_name(s) for s in r.sources),
        f"lists: {lists}; policy: {r.result.policy.name}",
        "",
    ]
    rows = sum(t.rows for t in r.lines)
    memo_rows = sum(t.memo_rows for t in r.lines)
    out.append(f"SCHEDULE B BY LINE ({rows:,} rows, {memo_rows:,} of them memo entries)")
    out.append(
        f" {'line':<6}{'what':<58}{'rows':>7}{'memo':>6}{'itemized':>17}"
        + (f"{'filing summary':>17}  difference" if r.has_summaries else "")
    )
    for t in r.lines:
        what = t.label + (" (vendors)" if t.vendor else "")
        line = f" {t.form + ' ' + t.line if len({x.form for x in r.lines}) > 1 else t.line:<6}{what[:57]:<58}{t.rows:>7,}{t.memo_rows:>6,}{money(t.itemized_cents):>17}"
        if r.has_summaries:
            summary = money(t.summary_cents) if t.summary_cents is not None else "-"
            line += f"{summary:>17}  {_difference(t.unitemized_cents)}"
        out.append(line)
    itemized = sum(t.itemized_cents for t in r.lines)
    total = f" {'':<6}{'all lines':<58}{rows:>7,}{memo_rows:>6,}{money(itemized):>17}"
    if r.has_summaries:
        filed = sum(t.summary_cents or 0 for t in r.lines)
        total += f"{money(filed):>17}  {_difference(filed - itemized)}"
    out.append(total)
    out.append(
        " Itemized totals leave out memo entries: they itemize money counted in their parent."
    )
    dropped = Counter(d.reason for d in r.dropped)
    cents = Counter[str]()
    for d in r.dropped:
        cents[d.reason] += d.row.cents
    out.append(
        " Not counted: "
        + (
            ", ".join(f"{n:,} {why} rows ({money(cents[why])})" for why, n in dropped.items())
            or "none"
        )
    )
    out.append("")
    in_chain = sum(p.memo_rows for p in r.memos.parents if p.in_chain)
    through = sum(p.memo_rows for p in r.memos.parents if p.in_chain and p.conduit)
    out.append(
        f"MEMO SUB-ITEMIZATIONS ({r.memos.rows:,} rows; {in_chain:,} under vendors, in the chain: "
        f"{through:,} under conduits of payment, whose payees are tier 1, and "
        f"{in_chain - through:,} passed on by vendors, tier 2)"
    )
    by_parent: dict[tuple[str, str, bool, str], list[int]] = {}
    for p in r.memos.parents:
        item = by_parent.setdefault((p.name, p.line_number, p.in_chain, p.conduit), [0, 0, 0])
        item[0] += 1
        item[1] += p.memo_rows
        item[2] += p.memo_cents
    for (name, line, chained, conduit), (parents, n, c) in sorted(
        by_parent.items(), key=lambda kv: -kv[1][1]
    ):
        note = "" if chained else f"  (line {line}: not a vendor, kept out of the chain)"
        if chained:
            note = f"  ({conduit_label(conduit)}: payees tier 1)" if conduit else "  (tier 2)"
        out.append(
            f"  {name[:40]:<40} {n:>5,} memo rows under {parents:,} payment(s) {money(c):>16}{note}"
        )
    if r.memos.orphans:
        out.append(
            f"  {len(r.memos.orphans):,} memo rows name no parent in these files (not counted)"
        )
    out.append("")
    out += _categories(
        "MONEY BY CATEGORY, tier 1 (paid by the committee; * labor-intensive)", r.categories
    )
    out += _categories("MONEY BY CATEGORY, tier 2 (itemized under a vendor)", r.memo_categories)
    out.append("")
    people = sum(1 for p in r.payees if p.person)
    out.append(
        f"PAYEES ({len(r.payees):,}: {len(r.payees) - people:,} organizations, {people:,} people; "
        f"the {min(TEXT_PAYEES, len(r.payees))} paid most)"
    )
    paid: Counter[str] = Counter()
    for flow in r.flows:
        paid[flow.payee] += flow.flow.cents
    by_id = {p.id: p for p in r.payees}
    for pid, paid_cents in paid.most_common(TEXT_PAYEES):
        payee = by_id[pid]
        where = ", ".join(x for x in (payee.city, payee.state) if x)
        kind = "person" if payee.person else "org"
        out.append(f"  {money(paid_cents):>16}  {payee.name[:40]:<40} {kind:<6} {where}")
    out.append("")
    out += _findings(r)
    out.append("")
    asked = [w for w in r.worklist if w.asked]
    out.append(
        f"WORKLIST ({len(asked)} to ask: paid for work a vendor could subcontract, most such "
        "money first)"
    )
    if not asked:
        out.append(
            "  none: no organization was paid for calls, texting, surveys, canvassing, data entry, "
            "mail, printing, merchandise or staffing"
        )
    for w in asked:
        out.append(
            f" {w.rank:>3}. {w.name} (tier {w.tier}, {w.address or 'no address'})  {money(w.labor_cents)} of {money(w.total_cents)}"
        )
        out.append(f"      why: {w.why}")
        out.append(f"      ask for: {w.ask}")
        if w.paid_through:
            out.append(f"      paid through: {', '.join(w.paid_through)}")
        out.append(f"      missing: {', '.join(w.missing)}")
        out.extend(f"      flag: {flag}" for flag in w.flags)
    listed = [w for w in r.worklist if not w.asked]
    out.append(f" Listed, not asked ({len(listed)}: no work to subcontract; the most paid first):")
    for w in listed[:TEXT_PAYEES]:
        via = f", through {w.paid_through[0]}" if w.paid_through else ""
        out.append(
            f"  {money(w.total_cents):>16}  {w.name[:40]:<40} {(w.class_labels or ('other',))[0]}{via}"
        )
        out.extend(f"      flag: {flag}" for flag in w.flags)
    if len(listed) > TEXT_PAYEES:
        out.append(f"  and {len(listed) - TEXT_PAYEES} more (JSON and CSV hold them all)")
    return "\n".join(out) + "\n"


def _finding(f: Finding) -> dict[str, Any]:
    return finding_dict(f)


def result_dict(r: FecResult) -> dict[str, Any]:
    """The report as JSON-ready data; amounts in dollars with cents, and in whole cents."""

    def amount(cents: int | None) -> dict[str, Any] | None:
        return None if cents is None else {"usd": cents / 100, "cents": cents}

    return {
        "format": 1,
        "committee": {"id": r.committee, "name": r.committee_name},
        "sources": r.sources,
        "filings": [vars(f) for f in r.filings],
        "lists": [
            {"name": i.name, "version": i.version, "entries": i.entries} for i in r.result.lists
        ],
        "policy": r.result.policy.name,
        "lines": [
            {
                "form": t.form,
                "line": t.line,
                "label": t.label,
                "kind": t.kind,
                "vendor": t.vendor,
                "rows": t.rows,
                "memo_rows": t.memo_rows,
                "itemized": amount(t.itemized_cents),
                "memo": amount(t.memo_cents),
                "summary": amount(t.summary_cents),
                "unitemized": amount(t.unitemized_cents),
            }
            for t in r.lines
        ],
        "not_counted": [
            {
                "source": d.row.source,
                "line": d.row.line,
                "reason": d.reason,
                "detail": d.detail,
                "amount": amount(d.row.cents),
            }
            for d in r.dropped
        ],
        "memos": {
            "rows": r.memos.rows,
            "parents": [
                {
                    "source": p.source,
                    "line": p.line,
                    "schedule_b_line": p.line_number,
                    "name": p.name,
                    "purpose": p.purpose,
                    "amount": amount(p.cents),
                    "memo_rows": p.memo_rows,
                    "memo_amount": amount(p.memo_cents),
                    "in_chain": p.in_chain,
                    "conduit": p.conduit or None,
                }
                for p in r.memos.parents
            ],
            "orphans": [
                {"source": o.source, "line": o.line, "amount": amount(o.cents)}
                for o in r.memos.orphans
            ],
        },
        "categories": {
            "tier1": [_category(t) for t in r.categories],
            "tier2": [_category(t) for t in r.memo_categories],
        },
        "payees": [
            {
                "id": p.id,
                "name": p.name,
                "person": p.person,
                "entity_type": p.entity_type,
                "street": p.street,
                "city": p.city,
                "state": p.state,
                "zip": p.zip,
                "aliases": p.aliases,
                "rows": p.rows,
            }
            for p in r.payees
        ],
        "flows": [
            {
                "buyer": f.buyer or r.committee,
                "payee": f.payee,
                "tier": f.tier,
                "paid_through": f.via,
                "amount": amount(f.flow.cents),
                "rows": f.flow.rows,
                "purposes": dict(f.flow.purposes.most_common()),
                "first": f.flow.first or None,
                "last": f.flow.last or None,
            }
            for f in r.flows
        ],
        "findings": [_finding(f) for f in r.result.findings],
        "worklist": [
            {
                "rank": w.rank,
                "payee": w.payee,
                "name": w.name,
                "address": w.address,
                "tier": w.tier,
                "labor_intensive": amount(w.labor_cents),
                "total": amount(w.total_cents),
                "categories": list(w.categories),
                "purposes": list(w.purposes),
                "why": w.why,
                "ask": w.ask,
                "flags": list(w.flags),
                "asked": w.asked,
                "classes": list(w.classes),
                "paid_through": list(w.paid_through),
                "missing": list(w.missing),
            }
            for w in r.worklist
        ],
    }


def _category(t: CategoryTotal) -> dict[str, Any]:
    return {
        "id": t.id,
        "label": t.label,
        "labor_intensive": t.labor_intensive,
        "amount": {"usd": t.cents / 100, "cents": t.cents},
        "rows": t.rows,
        "purposes": dict(t.purposes.most_common()),
    }


def render_json(r: FecResult) -> bytes:
    return dumps(result_dict(r))


CSV_COLUMNS = [
    "payee_id", "name", "person", "street", "city", "state", "zip", "tier", "paid_by", "amount",
    "rows", "purposes", "categories", "worklist_rank", "match_list", "match_id", "match_name",
    "score", "reasons", "paid_through", "asked",
]  # fmt: skip


def csv_rows(r: FecResult) -> Iterable[list[str]]:
    from subtier.fec.classify import classify

    by_id = {p.id: p for p in r.payees}
    rank = {w.payee: str(w.rank) for w in r.worklist}
    asked = {w.payee: "yes" if w.asked else "no" for w in r.worklist}
    matches = r.result.org_matches
    for f in sorted(r.flows, key=lambda f: (f.tier, -f.flow.cents, f.payee)):
        p = by_id[f.payee]
        found = matches.get(p.id)
        best = found[0] if found else None
        purposes = [x for x, _ in f.flow.purposes.most_common()]
        categories = dict.fromkeys(classify(x, code=f.flow.codes.get(x, "")).id for x in purposes)
        yield [
            p.id, p.name, "yes" if p.person else "no", p.street, p.city, p.state, p.zip,
            str(f.tier), f.buyer or r.committee, f"{f.flow.cents / 100:.2f}", str(f.flow.rows),
            "; ".join(purposes), "; ".join(categories), rank.get(p.id, ""),
            best.list_name if best else "", best.entry_id if best else "",
            best.entry_name if best else "", f"{best.score:.4f}" if best else "",
            best.reasons if best else "", f.via or "", asked.get(p.id, ""),
        ]  # fmt: skip


def render_csv(r: FecResult) -> str:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\n")  # payee names from public filings
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(r))
    return buffer.getvalue()
