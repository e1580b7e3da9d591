"""What the buyer takes away from a chain's page, and the price it enters there: the findings
as CSV (filtered as the page is), the report as PDF (the renderer of ``subtier report``), and
its own price to a tier-1 vendor. The same for a page session and an API token."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from subtier.app.dashboard import Query, findings_csv, parse_query, select, since_param
from subtier.app.service import Principal, Service
from subtier.core.disclosure.answers import FormError
from subtier.core.model import Per
from subtier.extras import MissingExtraError
from subtier.web.common import on_loop, service
from subtier.web.pages import Buyer, Form, _check_csrf, _dashboard

router = APIRouter(include_in_schema=False)


def attachment(filename: str) -> dict[str, str]:
    """A download's header: the file name as given, and in ASCII for old clients."""
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", filename)
    return {
        "Content-Disposition": f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"
    }


def csv_response(svc: Service, p: Principal, key: str, request: Request) -> Response:
    """The chain's findings as CSV, filtered and sorted as the GET parameters ask."""
    try:
        query = parse_query(request.query_params.multi_items())
        since = since_param(request.query_params.get("since"))
    except FormError as error:
        raise HTTPException(422, "; ".join(error.errors.values())) from None
    # Not remembered as a visit: an export is not a look at the page.
    view = svc.view(key, viewer=p.viewer, since=since)
    body = findings_csv(view, select(view, query))
    name = f"{view.key}-v{view.version.version}-findings{_suffix(query)}.csv"
    return Response(body, media_type="text/csv; charset=utf-8", headers=attachment(name))


def _suffix(query: Query) -> str:
    """What a filtered export's file name says of its filter: -critical-high, -new."""
    parts = [s.value for s in query.severity]
    if query.new:
        parts.append("new")
    return "".join(f"-{p}" for p in parts) + (
        "-filtered" if query.q or query.rule or query.vendor else ""
    )


def pdf_response(svc: Service, key: str, by: str) -> Response:
    """The chain's report as PDF, as ``subtier report --format pdf`` renders it."""
    from subtier.report.html import render_pdf

    version, result = svc.report(key)
    try:
        pdf = render_pdf(result, preparer=by)
    except MissingExtraError as error:
        raise HTTPException(501, str(error)) from None
    name = f"subtier-report-{version.key}-v{version.version}.pdf"
    return Response(pdf, media_type="application/pdf", headers=attachment(name))


def price_values(values: dict[str, str]) -> tuple[float, Per, str]:
    """The price form's amount, unit and currency, or a FormError naming the field."""
    errors: dict[str, str] = {}
    amount = 0.0
    try:
        amount = float(values.get("amount", ""))
        if not 0 <= amount < 1e12 or amount != amount:
            raise ValueError
    except ValueError:
        errors["amount"] = "the price: a number, 0 or more"
    try:
        per = Per(values.get("per", "") or "total")
    except ValueError:
        errors["per"] = f"per one of {', '.join(p.value for p in Per)}"
        per = Per.TOTAL
    currency = values.get("currency", "").upper() or "USD"
    if not re.fullmatch(r"[A-Z]{3}", currency):
        errors["currency"] = "a three-letter currency code, such as USD"
    if errors:
        raise FormError(errors)
    return amount, per, currency


@router.get("/chains/{key}/findings.csv")
@on_loop
def findings_csv_page(request: Request, key: str, p: Buyer) -> Response:
    return csv_response(service(request), p, key, request)


# In the thread pool, not on the loop (common.on_loop): rendering a PDF takes long.
@router.get("/chains/{key}/report.pdf")
def report_pdf_page(request: Request, key: str, p: Buyer) -> Response:
    return pdf_response(service(request), key, p.name)


@router.post("/chains/{key}/engagements/{engagement}/price")
@on_loop
def set_price_page(request: Request, key: str, engagement: str, values: Form, p: Buyer) -> Response:
    """The buyer enters its own price to a tier-1 vendor."""
    assert p.session is not None
    _check_csrf(values, p.session.csrf)
    try:
        amount, per, currency = price_values(values)
        service(request).set_price(key, engagement, amount, per, currency, p.name)
    except FormError as error:
        return _dashboard(request, p, key, 422, errors={"price": error.errors})
    return RedirectResponse(f"/chains/{quote(key)}#prices", 303)
