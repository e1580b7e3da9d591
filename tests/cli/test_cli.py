"""The commands as users run them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from subtier.core.model.schema import chain_schema
from tests.conftest import EXAMPLE, ROOT
from tests.conftest import run_cli as run


def test_demo_text_report() -> None:
    done = run("check", str(EXAMPLE))
    assert done.returncode == 1, done.stderr  # a finding at or above --fail-on high
    out = done.stdout
    assert "CRITICAL" in out
    assert "no-prison-labor" in out
    assert "DR. EDDIE WARRIOR CORRECTIONAL CENTER" in out
    assert (
        "MIKE BLOOMBERG 2020 INC → Unnamed voter-contact vendor → ProCom → Taft call center" in out
    )
    assert "$7.25/hour" in out
    assert "worker gets 20%" in out
    assert "USD 13.55 per hour worked" in out
    assert out.index("FINDINGS") < out.index("MONEY FLOW")


def test_json_report_shape() -> None:
    done = run("check", str(EXAMPLE), "--format", "json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    first = data["findings"][0]
    assert set(first) == {"rule", "severity", "subject", "path", "summary", "evidence"}
    assert first["rule"] == "no-prison-labor"
    assert first["severity"] == "critical"
    assert first["subject"] == {"kind": "site", "id": "taft"}
    assert first["path"] == ["campaign", "vendor", "procom", "oci", "taft"]
    evidence = first["evidence"][0]
    assert {"list", "entry_id", "entry_name", "score", "reasons"} <= set(evidence)
    assert evidence["entry_id"] == "10003571"
    assert data["lists"][0]["name"] == "facilities"
    assert data["lists"][0]["entries"] == 6737
    assert data["wages"][0]["tiers"][-1]["worker_share"] == pytest.approx(0.2)


@pytest.mark.parametrize(("fail_on", "code"), [("critical", 1), ("info", 1)])
def test_fail_on(fail_on: str, code: int) -> None:
    assert run("check", str(EXAMPLE), "--fail-on", fail_on).returncode == code


def test_fail_on_nothing_found(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["workforces"] = []
    data["sites"] = [s for s in data["sites"] if s["id"] != "taft"]
    # Oklahoma Correctional Industries is a prison labor program wherever its work is done.
    data["engagements"] = [e for e in data["engagements"] if e["supplier"] != "oci"]
    data["organizations"] = [o for o in data["organizations"] if o["id"] != "oci"]
    for e in data["engagements"]:
        e["sites"] = [s for s in e.get("sites", []) if s != "taft"]
        e["subcontractors_disclosed"] = True
    path = tmp_path / "clean.yaml"
    path.write_text(yaml.safe_dump(data))
    done = run("check", str(path), "--fail-on", "info")
    assert done.returncode == 0, done.stdout
    assert "FINDINGS (0: none)" in done.stdout


def test_policy_option(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("subtier-policy: 1\nrules:\n  domestic-only: {countries: [US]}\n")
    done = run("check", str(EXAMPLE), "--policy", str(policy), "--fail-on", "low")
    assert done.returncode == 0, done.stdout + done.stderr


def test_bad_policy_names_line_and_field(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("subtier-policy: 1\nrules:\n  wage-floor:\n    hourly: lots\n")
    done = run("check", str(EXAMPLE), "--policy", str(policy))
    assert done.returncode == 2
    assert f"{policy}:4: rules.wage-floor.hourly:" in done.stderr
    assert "Traceback" not in done.stderr


def test_shipped_schema_is_generated_from_the_model() -> None:
    shipped = json.loads((ROOT / "src/subtier/data/chain.schema.json").read_text())
    assert shipped == chain_schema(), "run `make schema` to regenerate the shipped schema"


def test_example_validates_against_the_schema() -> None:
    jsonschema.validate(yaml.safe_load(EXAMPLE.read_text()), chain_schema())


def test_lists_command() -> None:
    done = run("lists")
    assert done.returncode == 0
    assert "facilities" in done.stdout
    assert "2022-02-18+sha256:" in done.stdout
    assert "6,737" in done.stdout


def test_json_output_validates_against_the_shipped_schema(tmp_path: Path) -> None:
    from subtier.report.schema import check_output_schema

    shipped = json.loads((ROOT / "src/subtier/data/check-output.schema.json").read_text())
    assert shipped == check_output_schema(), "run `make schema` to regenerate the shipped schema"
    data = yaml.safe_load(EXAMPLE.read_text())
    data["workforces"].append(
        {
            "site": "vineland",
            "engagement": "callcenter",
            "pay": {"amount": 2000, "per": "month"},
            "headcount": 3,
        }
    )
    path = tmp_path / "chain.yaml"
    path.write_text(yaml.safe_dump(data))
    for chain in (EXAMPLE, path):
        output = json.loads(run("check", str(chain), "--format", "json").stdout)
        jsonschema.validate(output, shipped)
    output["findings"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(output, shipped)


def test_ftm_out_and_back_in_through_the_cli(tmp_path: Path) -> None:
    entities = tmp_path / "chain.ftm.json"
    done = run("check", str(EXAMPLE), "--format", "ftm", "--output", str(entities))
    assert done.returncode == 1, done.stderr
    schemata = {json.loads(line)["schema"] for line in entities.read_text().splitlines()}
    assert {"Company", "Address", "Contract", "ContractAward", "Payment", "Note"} <= schemata
    back = tmp_path / "back.yaml"
    assert run("import", str(entities), "--output", str(back)).returncode == 0
    again = json.loads(run("check", str(back), "--format", "json").stdout)
    first = json.loads(run("check", str(EXAMPLE), "--format", "json").stdout)
    assert again["findings"] == first["findings"]
    assert again["wages"] == first["wages"]


def test_sites_from_open_supply_hub(tmp_path: Path) -> None:
    target = tmp_path / "with-sites.yaml"
    osh = ROOT / "tests" / "fixtures" / "osh" / "facilities.csv"
    done = run(
        "sites", str(EXAMPLE), "--from", str(osh), "--engagement", "callcenter", "-o", str(target)
    )
    assert done.returncode == 0, done.stderr
    assert "closed facility skipped" in done.stderr
    report = json.loads(run("check", str(target), "--format", "json").stdout)
    abroad = [f for f in report["findings"] if f["rule"] == "domestic-only"]
    assert len(abroad) == 2
    assert all(f["path"][:3] == ["campaign", "vendor", "procom"] for f in abroad)


def test_import_ocds(tmp_path: Path) -> None:
    target = tmp_path / "awards.yaml"
    package = ROOT / "tests" / "fixtures" / "ocds" / "subcontracting.json"
    done = run("import", str(package), "--output", str(target))
    assert done.returncode == 0, done.stderr
    chain = yaml.safe_load(target.read_text())
    first_tier = {e["supplier"] for e in chain["engagements"] if e["buyer"] == chain["root"]}
    deeper = [e for e in chain["engagements"] if e["buyer"] in first_tier]
    assert deeper, "the subcontracting extension should give a second tier"
    report = json.loads(run("check", str(target), "--format", "json").stdout)
    assert report["chain"]["root"] == chain["root"]


def test_offshore_address_is_reported_with_where_its_country_came_from(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    for site in data["sites"]:
        if site["id"] == "taft":
            for key in ("city", "state", "zip", "country"):
                site.pop(key, None)
            site["address"] = "Cebu IT Park, Cebu City, Philippines"
    path = tmp_path / "offshore.yaml"
    path.write_text(yaml.safe_dump(data))
    out = run("check", str(path)).stdout
    assert "domestic-only  site taft" in out
    assert "Taft call center is in PH, outside the allowed countries (US)." in out
    assert "evidence: country from the address text: Philippines" in out


def test_money_flow_shows_pay_to_an_organization_as_an_upper_bound(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["workforces"][0]["paid_to"] = "oci"
    path = tmp_path / "paid-to-program.yaml"
    path.write_text(yaml.safe_dump(data))
    out = run("check", str(path)).stdout
    money = out[out.index("MONEY FLOW") :]
    assert "worker: at most USD 1.45/hour (paid to Oklahoma Correctional Industries)" in money
    assert "worker gets at most 20%" in money
    assert "remediation to the USD 15.00/hour floor: at least USD 13.55 per hour worked" in money
    assert "at most USD 1.45 an hour reaches the worker" in out[: out.index("MONEY FLOW")]
    output = json.loads(run("check", str(path), "--format", "json").stdout)
    shipped = json.loads((ROOT / "src/subtier/data/check-output.schema.json").read_text())
    jsonschema.validate(output, shipped)
    [wage] = output["wages"]
    assert wage["worker_hourly"]["upper_bound"] is True
    assert wage["remediation"]["lower_bound"] is True
