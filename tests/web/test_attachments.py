"""Documents attached to a disclosure: checked by content, kept by hash, vouched for by the
audit trail, and downloadable by the buyer and the vendor that attached them, nobody else."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from pathlib import Path

import httpx
import openpyxl
import pytest
from fastapi import FastAPI

from subtier.store.files import file_path
from subtier.web import Service, Settings, create_app

from .conftest import ADMIN_TOKEN, PASSWORD, Clock, Party, World

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
CSV = b"worker,hours,pay\nA,40,17.50\nB,38,17.50\n"


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["worker", "hours", "pay"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(party: Party, name: str, content: bytes, kind: str = "payroll") -> httpx.Response:
    party.get("/portal")
    return party.http.post(
        "/portal/attachments",
        data={"csrf": party.csrf, "kind": kind},
        files={"file": (name, content, "application/octet-stream")},
    )


@pytest.mark.parametrize(
    ("name", "content", "media_type"),
    [
        ("contract.pdf", PDF, "application/pdf"),
        ("badge.png", PNG, "image/png"),
        ("scan.JPG", JPEG, "image/jpeg"),
        ("payroll.csv", CSV, "text/csv"),
        ("payroll.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)  # fmt: skip
def test_each_accepted_type_is_kept_and_downloaded_by_both_parties(
    world: World, name: str, content: bytes, media_type: str
) -> None:
    done = _upload(world.vendor_b, name, content)
    assert done.status_code == 303, done.text
    [found] = world.service.attachments.of_chain("calls")
    assert (found.filename, found.media_type, found.size) == (name, media_type, len(content))
    assert name in world.vendor_b.get("/portal").text
    mine = world.vendor_b.http.get(f"/portal/attachments/{found.id}")
    assert mine.status_code == 200
    assert mine.content == content
    assert mine.headers["content-type"].startswith(media_type)
    assert mine.headers["content-disposition"].startswith("attachment;")
    listing = world.buyer.get("/chains/calls/documents").text
    assert name in listing
    assert "Bravo Calls" in listing
    theirs = world.buyer.http.get(f"/chains/calls/documents/{found.id}")
    assert theirs.content == content
    assert file_path(world.service.attachments.folder, found.sha256).read_bytes() == content


def test_nobody_else_can_download_it(world: World) -> None:
    _upload(world.vendor_b, "contract.pdf", PDF)
    [found] = world.service.attachments.of_chain("calls")
    assert world.vendor_a.http.get(f"/portal/attachments/{found.id}").status_code == 404
    assert world.sub_a.http.get(f"/portal/attachments/{found.id}").status_code == 404
    assert world.party().http.get(f"/portal/attachments/{found.id}").status_code == 401
    stranger = world.party().http.get(f"/chains/calls/documents/{found.id}")
    assert stranger.status_code == 303
    assert stranger.headers["location"].startswith("/signin")
    assert world.buyer.http.get(f"/chains/other/documents/{found.id}").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("contract.pdf", PNG, "its name says .pdf, but its content is image/png"),
        ("payroll.xlsx", b"PK\x03\x04" + b"\x00" * 40, "not a PDF, PNG, JPEG, CSV or XLSX file"),
        ("tool.exe", b"MZ\x90\x00\x03" + b"\x00" * 40, "not a PDF, PNG, JPEG, CSV or XLSX file"),
        ("notes.txt", CSV, "the name must end in .pdf, .png, .jpg, .csv or .xlsx"),
        ("empty.pdf", b"", "the file is empty"),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused(
    world: World, name: str, content: bytes, message: str
) -> None:
    page = _upload(world.vendor_b, name, content)
    assert page.status_code == 422
    assert message in page.text
    assert world.service.attachments.of_chain("calls") == []


def test_the_size_limit_is_checked_and_the_route_has_its_own_body_limit(
    tmp_path: Path, clock: Clock
) -> None:
    settings = Settings(database=f"sqlite:///{tmp_path}/web.db", admin_token=ADMIN_TOKEN,
                        clock=clock, rate_limit=1000, attachment_limit=2_000_000)  # fmt: skip
    svc = Service(settings)
    svc.add_user("alice", PASSWORD)
    try:
        app = create_app(service=svc)
        vendor = _vendor(app)
        big = PDF + b"0" * 1_500_000  # over the 1 MB of other forms, under this route's limit
        assert _upload(vendor, "big.pdf", big).status_code == 303
        too_big = _upload(vendor, "huge.pdf", PDF + b"0" * 2_000_000)
        assert too_big.status_code == 422
        assert "at most 2,000,000 are accepted" in too_big.text
        refused = _upload(vendor, "huge.pdf", PDF + b"0" * 2_200_000)
        assert refused.status_code == 413  # past the route's body limit: refused unread
        # Other routes keep their own limit.
        other = vendor.http.post("/portal/sites", data={"name": "x" * 1_100_000})
        assert other.status_code == 413
    finally:
        svc.close()


def _vendor(app: FastAPI) -> Party:
    from .conftest import link_in

    buyer, vendor = Party(app), Party(app)
    buyer.sign_in()
    buyer.get("/chains")
    buyer.post("/chains", {"name": "Calls", "buyer": "Campaign", "key": "calls"})
    buyer.get("/chains/calls")
    made = buyer.post("/chains/calls/invitations", {"supplier": "V", "service": "calls"})
    assert vendor.claim(link_in(made)).status_code == 303
    return vendor


def test_the_audit_trail_vouches_for_each_file(world: World, settings: Settings) -> None:
    _upload(world.vendor_b, "contract.pdf", PDF, kind="contract")
    _upload(world.vendor_b, "again.pdf", PDF)  # the same bytes: one file, two attachments
    svc = world.service
    first, second = svc.attachments.of_chain("calls")
    assert first.sha256 == second.sha256
    assert len(list(svc.attachments.folder.rglob("*"))) == 2  # one folder, one file
    records = [r for r in svc.workspace.audit_records() if r.action == "portal.attach"]
    assert [r.details["sha256"] for r in records] == [first.sha256, second.sha256]
    assert svc.workspace.verify_audit()[1] is None
    path = file_path(svc.attachments.folder, first.sha256)
    path.write_bytes(PDF.replace(b"1.4", b"1.5"))
    _count, broken = svc.workspace.verify_audit()
    assert broken is not None
    assert "the attached file 'contract.pdf' no longer matches its hash (edited)" in broken.reason
    # Nor is a changed file handed out.
    assert world.buyer.http.get(f"/chains/calls/documents/{first.id}").status_code == 409
    path.write_bytes(PDF)
    assert svc.workspace.verify_audit()[1] is None
    database = str(settings.database).removeprefix("sqlite:///")
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE attachments SET filename = 'other.pdf' WHERE id = ?", (first.id,))
    _count, broken = svc.workspace.verify_audit()
    assert broken is not None
    assert "the stored attachment no longer matches (edited)" in broken.reason
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE attachments SET filename = 'contract.pdf' WHERE id = ?", (first.id,))
        conn.execute(
            "INSERT INTO attachments (invitation_id, kind, filename, media_type, size, sha256,"
            " uploaded_at, uploaded_by) SELECT invitation_id, kind, 'slipped-in.pdf', media_type,"
            " size, sha256, uploaded_at, uploaded_by FROM attachments WHERE id = ?",
            (first.id,),
        )
    _count, broken = svc.workspace.verify_audit()
    assert broken is not None
    assert "(slipped-in.pdf)" in broken.reason
    assert "is in no audit record (inserted)" in broken.reason


def test_nothing_can_be_attached_once_signed_and_the_signature_covers_them(
    world: World,
) -> None:
    _upload(world.vendor_b, "contract.pdf", PDF, kind="contract")
    world.vendor_b.post("/portal/no-subcontractors")
    world.vendor_b.post(
        "/portal/attestation",
        {"name": "Bo Bravo", "title": "CEO", "date": "2026-03-02", "certify": "true"},
    )
    page = _upload(world.vendor_b, "late.pdf", PDF)
    assert page.status_code == 409
    assert "signed" in page.text
    [inv] = [i for i in world.service.portal.invitations("calls") if i.supplier == "bravo-calls"]
    with world.service.workspace.engine.connect() as conn:
        from subtier.store import tables as t

        content = (
            conn.execute(t.attestations.select().where(t.attestations.c.invitation_id == inv.id))
            .one()
            .content
        )
    [document] = json.loads(content)["documents"]
    assert document == {"filename": "contract.pdf", "sha256": hashlib.sha256(PDF).hexdigest()}
