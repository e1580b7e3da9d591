"""From an FEC chain saved in the workspace to invitations, and answers back into the chain."""

from __future__ import annotations

import re
from pathlib import Path

from subtier.core.model import Chain
from subtier.fec import run_fec
from subtier.formats import load_policy
from subtier.lists import facilities
from subtier.store import Workspace
from subtier.web import Service

from ..conftest import run_cli
from ..fec.bulkrows import line
from .conftest import Party

LINKS = re.compile(r'value="https?://[^"]+(/invite/[^"]+)"')


def bulk_file(folder: Path) -> Path:
    path = folder / "oppexp.txt"
    path.write_text(
        line(NAME="ACME VOTER CONTACT LLC", PURPOSE="VOTER CONTACT PHONE SERVICES",
             TRANSACTION_AMT="520000.00")
        + line(NAME="LIVE CALLS CO", PURPOSE="TELEPHONE SERVICES - VOTER CONTACT", SUB_ID="2",
               TRAN_ID="SB17.2", CITY="NEWARK", STATE="NJ", ZIP_CODE="07102",
               TRANSACTION_AMT="450000.00")
        + line(NAME="AMERICAN EXPRESS", PURPOSE="CREDIT CARD PAYMENT", SUB_ID="3", TRAN_ID="P1",
               CITY="NEWARK", STATE="NJ", ZIP_CODE="07101", TRANSACTION_AMT="1200.00")
        + line(NAME="KEYSTROKE DATA INC", PURPOSE="DATA ENTRY", MEMO_CD="X", SUB_ID="4",
               TRAN_ID="M1", BACK_REF_TRAN_ID="P1", TRANSACTION_AMT="1100.00", CITY="TULSA",
               ZIP_CODE="74103"),
        encoding="utf-8",
    )  # fmt: skip
    return path


def fec_chain(folder: Path) -> Chain:
    return run_fec([bulk_file(folder)], load_policy(), [facilities()]).result.chain


def test_the_worklist_invites_selected_vendors_and_their_answers_flow_back(
    service: Service, app: object, tmp_path: Path
) -> None:
    service.workspace.add_chain(fec_chain(tmp_path), key="calls-2020", source="fec", by="alice")
    buyer = Party(app)  # type: ignore[arg-type]
    buyer.sign_in()
    page = buyer.get("/chains/calls-2020/worklist")
    assert page.status_code == 200
    text = page.text
    for name in (
        "ACME VOTER CONTACT LLC",
        "LIVE CALLS CO",
        "KEYSTROKE DATA INC",
        "AMERICAN EXPRESS",
    ):
        assert name in text
    assert "phone banks and call centers" in text
    assert "data entry and processing" in text
    assert "listed, not asked" in text  # the card issuer
    chain = service.workspace.chain("calls-2020")[1]
    by_name = {o.name: o.id for o in chain.organizations}
    engagement = {e.supplier: e.id for e in chain.engagements if e.buyer == chain.root}
    keystroke = engagement[by_name["KEYSTROKE DATA INC"]]
    assert chain.engagements_by_id[keystroke].paid_through == by_name["AMERICAN EXPRESS"]
    acme, live = engagement[by_name["ACME VOTER CONTACT LLC"]], engagement[by_name["LIVE CALLS CO"]]
    done = buyer.post(
        "/chains/calls-2020/worklist",
        {f"invite:{acme}": "on", f"invite:{live}": "on", f"email:{acme}": "ops@acme.example"},
    )
    assert done.status_code == 200, done.text
    links = LINKS.findall(done.text)
    assert len(links) == 2
    assert "ops@acme.example" in done.text
    # The first vendor answers through the portal: into the same chain.
    vendor = Party(app)  # type: ignore[arg-type]
    assert vendor.claim(links[0]).status_code == 303
    vendor.get("/portal")
    assert vendor.post("/portal/no-subcontractors").status_code in (200, 303)
    assert vendor.post("/portal/steps/subcontractors").status_code == 303
    latest = service.workspace.chain("calls-2020")[1]
    assert latest.engagements_by_id[acme].subcontractors_disclosed is True
    rows = buyer.get("/chains/calls-2020/worklist").text
    row = rows[rows.index(f'data-engagement="{acme}"') :].split("</tr>", 1)[0]
    assert "subcontractor disclosure" not in row
    assert "signed attestation" in row
    records = [r for r in service.workspace.audit_records() if r.action == "portal.invite.email"]
    assert [r.details["to"] for r in records] == ["ops@acme.example"]


def test_nothing_chosen_is_an_error_on_the_page(
    service: Service, app: object, tmp_path: Path
) -> None:
    service.workspace.add_chain(fec_chain(tmp_path), key="calls-2020", source="fec", by="alice")
    buyer = Party(app)  # type: ignore[arg-type]
    buyer.sign_in()
    buyer.get("/chains/calls-2020/worklist")
    done = buyer.post("/chains/calls-2020/worklist", {})
    assert done.status_code == 422
    assert "choose vendors" in done.text


def test_fec_save_and_invite_from_the_command_line(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/ws.db"
    path = bulk_file(tmp_path)
    saved = run_cli("fec", str(path), "--save", "--as", "calls-2020", "-d", database)
    assert saved.returncode == 0, saved.stderr
    assert "saved calls-2020 v1" in saved.stderr
    done = run_cli(
        "invite", "calls-2020", "acme-voter-contact-llc", "Live Calls Co",
        "--email", "ops@acme.example", "-d", database,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("ACME VOTER CONTACT LLC: http://127.0.0.1:8000/invite/")
    assert lines[0].endswith("(e-mail ops@acme.example recorded, not sent)")
    assert lines[1].startswith("LIVE CALLS CO: http://127.0.0.1:8000/invite/")
    with Workspace(database) as workspace:
        actions = [r.action for r in workspace.audit_records()]
    assert actions.count("portal.invite") == 2
    missing = run_cli("invite", "calls-2020", "nobody", "-d", database)
    assert missing.returncode != 0
    assert "no vendor 'nobody'" in missing.stderr
    no_save = run_cli("fec", str(path), "--as", "x")
    assert no_save.returncode == 2
