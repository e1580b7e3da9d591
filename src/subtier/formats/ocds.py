"""Read a chain from Open Contracting Data Standard (OCDS 1.1) data. See ``docs/ocds.md``.

Accepted: a release package (``{"releases": [...]}``), a record package (``{"records": [...]}``,
each record's ``compiledRelease``, else its last release), one release, or JSON lines of any of
these. The releases of one contracting process (``ocid``) are merged into its compiled release
by ocdsmerge, the reference implementation, so that a later release's changes win (an award
cancelled later is no engagement). ``parties`` become organizations (merged across releases by party id), the ``buyer`` is
the root, each supplier of an award is an engagement buyer → supplier, contracts linked by
``awardID`` give their dates and value, and subcontracting (an extension, in several shapes)
gives engagements supplier → subcontractor. OCDS core has no work sites, so no sites are read.

One file because the shapes it accepts (packages, records, releases, the variants of the
subcontracting extension) are read in one pass with one set of error messages.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import ocdsmerge  # type: ignore[import-untyped]
from pydantic import ValidationError

from subtier.core.model import Chain, OrgType, Per, validate_chain
from subtier.errors import InputError
from subtier.formats.locate import locate
from subtier.formats.nesting import check_depth, too_deep

__all__ = ["load_ocds_chain"]

_ID_CHARS = re.compile(r"[^A-Za-z0-9_.:\-]+")
_AGENCY_ROLES = frozenset({"buyer", "procuringEntity"})
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_SKIPPED_AWARDS = frozenset({"cancelled", "unsuccessful"})
_ADDRESS = {
    "streetAddress": "address",
    "locality": "city",
    "region": "state",
    "postalCode": "zip",
    "countryName": "country",
}
# Where a subcontract names the supplier that subcontracts, if it does.
_MAIN_CONTRACTOR_KEYS = ("mainContractor", "contractor", "supplier")
# OCDS 1.1's merge rules as the release schema states them (omitWhenMerged on the release's
# own id, date and tag; the compiled release gets its own). Arrays of objects merge by their
# ``id`` and other arrays are replaced whole: ocdsmerge's defaults, as the standard says.
_MERGE_RULES: dict[tuple[str, ...], str] = {
    ("id",): "omitWhenMerged",
    ("date",): "omitWhenMerged",
    ("tag",): "omitWhenMerged",
}


@dataclass(frozen=True, slots=True)
class _Release:
    """One release and where it was read: its path in the document, and its line (JSON lines)."""

    data: dict[str, Any]
    path: str
    line: int | None
    compiled: bool = False  # a record's compiledRelease: already merged

    @property
    def ocid(self) -> str:
        return _text(self.data.get("ocid")) or f"<no ocid: {self.path}>"

    @property
    def name(self) -> str:
        rid = _text(self.data.get("id"))
        return f"release {rid!r}" if rid else self.path


@dataclass(slots=True)
class _Package:
    releases: list[_Release] = field(default_factory=list)
    name: str | None = None


def load_ocds_chain(path: Path, root: str | None = None) -> Chain:
    """Read a chain from an OCDS release package, record package, release or JSON lines.

    ``root`` names the root buyer (its OCDS party id or its chain id) when the releases have
    more than one buyer; only the contracting processes of that buyer are read. Errors are
    ``InputError`` naming the file, and the line or the field where they can.
    """
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", file=where) from None
    except IsADirectoryError:
        raise InputError("is a directory, not an OCDS file", file=where) from None
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text: {error.reason}", file=where) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", file=where) from None
    package = _Package()
    for doc, line in _documents(text, where):
        _collect(doc, line, where, package)
    if not package.releases:
        raise InputError(
            "no releases: expected an OCDS release package, record package or release",
            file=where,
        )
    return _Reader(where, package, text).chain(root, path.stem)


# -- reading the documents --------------------------------------------------------------------


def _documents(text: str, where: str) -> list[tuple[Any, int | None]]:
    """The JSON documents: the whole file, or one a line (JSON lines)."""
    if not text.strip():
        raise InputError("empty file: expected OCDS JSON", file=where)
    try:
        return [(check_depth(json.loads(text), text, where), None)]
    except RecursionError:
        raise too_deep(text, where) from None
    except json.JSONDecodeError as error:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) > 1 and _is_json_object(lines[0][1]):
            out: list[tuple[Any, int | None]] = []
            for n, line in lines:
                try:
                    out.append((check_depth(json.loads(line), line, where, n), n))
                except RecursionError:
                    raise too_deep(line, where, n) from None
                except json.JSONDecodeError as bad:
                    message = f"not JSON: {bad.msg} (column {bad.colno})"
                    raise InputError(message, file=where, line=n) from None
            return out
        message = f"not JSON: {error.msg} (column {error.colno})"
        raise InputError(message, file=where, line=error.lineno) from None


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _collect(doc: Any, line: int | None, where: str, package: _Package) -> None:
    """Add the releases of one document (package, record package, release or array)."""
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            _collect_release(item, f"[{i}]", line, where, package)
        return
    if not isinstance(doc, dict):
        message = f"expected a JSON object, found {type(doc).__name__}"
        raise InputError(message, file=where, line=line)
    if package.name is None:
        publisher = doc.get("publisher")
        pub_name = _text(publisher.get("name")) if isinstance(publisher, dict) else None
        package.name = pub_name or _text(doc.get("uri"))
    if "records" in doc:
        records = doc["records"]
        if not isinstance(records, list):
            raise InputError("'records' is not a list", file=where, line=line, field="records")
        for i, record in enumerate(records):
            _collect_record(record, i, line, where, package)
    elif "releases" in doc:
        releases = doc["releases"]
        if not isinstance(releases, list):
            raise InputError("'releases' is not a list", file=where, line=line, field="releases")
        for i, item in enumerate(releases):
            _collect_release(item, f"releases[{i}]", line, where, package)
    elif "ocid" in doc:
        _collect_release(doc, "release", line, where, package)
    else:
        message = "not an OCDS release package, record package or release: no 'releases', 'records' or 'ocid'"
        raise InputError(message, file=where, line=line)


def _collect_record(
    record: Any, index: int, line: int | None, where: str, package: _Package
) -> None:
    path = f"records[{index}]"
    if not isinstance(record, dict):
        raise InputError("record is not a JSON object", file=where, line=line, field=path)
    compiled = record.get("compiledRelease")
    releases = record.get("releases")
    if isinstance(compiled, dict):
        release, path = compiled, f"{path}.compiledRelease"
    elif isinstance(releases, list) and releases and isinstance(releases[-1], dict):
        release, path = releases[-1], f"{path}.releases[{len(releases) - 1}]"
        if "url" in release and not ({"parties", "awards", "buyer", "tender"} & release.keys()):
            message = "the record has only linked releases (url), no compiledRelease to read"
            raise InputError(message, file=where, line=line, field=path)
    else:
        message = "the record has no compiledRelease and no releases"
        raise InputError(message, file=where, line=line, field=path)
    if "ocid" not in release and record.get("ocid") is not None:
        release = {**release, "ocid": record["ocid"]}
    package.releases.append(_Release(release, path, line, compiled=True))


def _collect_release(item: Any, path: str, line: int | None, where: str, package: _Package) -> None:
    if not isinstance(item, dict):
        raise InputError("release is not a JSON object", file=where, line=line, field=path)
    package.releases.append(_Release(item, path, line))


# -- merging ----------------------------------------------------------------------------------


def merge_releases(releases: list[_Release]) -> list[_Release]:
    """One release per contracting process: a process with several releases is merged into its
    compiled release by ocdsmerge, oldest ``date`` first (file order where a date is missing);
    a process with one release, or a record's compiled release, is read as it is."""
    by_ocid: dict[str, list[_Release]] = {}
    for release in releases:
        by_ocid.setdefault(release.ocid, []).append(release)
    out: list[_Release] = []
    for ocid, group in by_ocid.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        dates = [d if isinstance(d := r.data.get("date"), str) else None for r in group]
        if all(dates):
            group = [r for _, r in sorted(zip(dates, group, strict=True), key=lambda p: p[0] or "")]
        compiled = ocdsmerge.CompiledRelease(merge_rules=_MERGE_RULES)
        with warnings.catch_warnings():  # a repeated id within one array: the later one wins
            warnings.simplefilter("ignore")
            for release in group:
                compiled.append(release.data)
        data: dict[str, Any] = compiled.asdict()
        data.setdefault("ocid", ocid)
        paths = ", ".join(r.path for r in group[:3]) + (", ..." if len(group) > 3 else "")
        out.append(_Release(data, f"ocid {ocid} merged from {paths}", group[-1].line, True))
    return out


# -- building the chain -----------------------------------------------------------------------


class _Reader:
    def __init__(self, file: str, package: _Package, text: str = "") -> None:
        self.file = file
        self.text = text
        self.package = package
        self.party_ids: dict[str, set[str]] = {}  # ocid → party ids in any of its releases
        self.chain_ids: dict[str, str] = {}  # OCDS party id → chain id
        self.names: dict[str, str] = {}  # OCDS party id → its name
        for release in package.releases:
            for i, party in enumerate(_dicts(release.data.get("parties"))):
                pid = _text(party.get("id"))
                if pid is None:
                    raise self.error(release, "party without an id", f"parties[{i}].id")
                self.party_ids.setdefault(release.ocid, set()).add(pid)
                self.chain_ids.setdefault(pid, self._new_id(pid))
                self.names[pid] = _text(party.get("name")) or self.names.get(pid, pid)
        self.engagements: dict[tuple[str, ...], dict[str, Any]] = {}
        self.engagement_ids: set[str] = set()
        self.merged = merge_releases(package.releases)

    def error(self, release: _Release, message: str, path: str | None = None) -> InputError:
        where = f"{release.path}.{path}" if path else release.path
        ocid = _text(release.data.get("ocid"))
        what = f"{release.name} (ocid {ocid})" if ocid else release.name
        line = release.line
        if line is None and self.text:  # one document: the line of the field in it
            line = locate(self.text, _field_path(where))
        return InputError(f"{what}: {message}", file=self.file, line=line, field=where)

    def status(self, release: _Release, value: Any, path: str) -> str | None:
        """A status code: a string, or absent; a list or an object is an error naming it."""
        if value is None or isinstance(value, str):
            return value
        kind = "a list" if isinstance(value, list) else type(value).__name__
        raise self.error(release, f"status should be a code such as 'active', not {kind}", path)

    def _new_id(self, raw: str) -> str:
        cleaned = _ID_CHARS.sub("-", raw)
        cleaned = cleaned if cleaned[:1].isalnum() else f"p{cleaned}"
        taken = set(self.chain_ids.values())
        chain_id, n = cleaned, 2
        while chain_id in taken:
            chain_id, n = f"{cleaned}-{n}", n + 1
        return chain_id

    def _party(self, release: _Release, ref: Any, path: str, what: str) -> str:
        """The chain id of the party an organization reference points to."""
        pid = _text(ref.get("id")) if isinstance(ref, dict) else None
        if pid is None:
            raise self.error(release, f"{what} without an id", path)
        if pid not in self.party_ids.get(release.ocid, set()):
            named = _text(ref.get("name")) if isinstance(ref, dict) else None
            label = f"{pid!r} ({named})" if named else repr(pid)
            raise self.error(release, f"{what} {label} is not in parties", f"{path}.id")
        return self.chain_ids[pid]

    # -- the root ---------------------------------------------------------------------------

    def _buyers(self) -> dict[str, str]:
        """Each contracting process's buyer (chain id): its last release that names one."""
        buyers: dict[str, str] = {}
        for release in self.merged:
            data = release.data
            tender = data.get("tender") if isinstance(data.get("tender"), dict) else {}
            if isinstance(data.get("buyer"), dict):
                buyers[release.ocid] = self._party(release, data["buyer"], "buyer", "buyer")
            elif isinstance(tender, dict) and isinstance(tender.get("procuringEntity"), dict):
                path = "tender.procuringEntity"
                ref = tender["procuringEntity"]
                buyers[release.ocid] = self._party(release, ref, path, "procuring entity")
            else:
                for role in ("buyer", "procuringEntity"):
                    parties = _dicts(data.get("parties"))
                    found = [p for p in parties if role in _strings(p.get("roles"))]
                    if found:
                        pid = _text(found[0].get("id")) or ""
                        buyers[release.ocid] = self.chain_ids[pid]
                        break
        for release in self.merged:
            if release.ocid not in buyers:
                raise self.error(
                    release, "no buyer (buyer, tender.procuringEntity or a party with role buyer)"
                )
        return buyers

    def _root(self, root: str | None, buyers: dict[str, str]) -> str:
        distinct = list(dict.fromkeys(buyers.values()))
        by_chain_id = {cid: pid for pid, cid in self.chain_ids.items()}
        shown = ", ".join(f"{b!r} ({self.names[by_chain_id[b]]})" for b in distinct)
        if root is not None:
            chosen = self.chain_ids.get(root, root)
            if chosen not in distinct:
                message = f"root {root!r} is not a buyer in the file; buyers: {shown}"
                raise InputError(message, file=self.file)
            return chosen
        if len(distinct) > 1:
            message = f"more than one buyer: {shown}; name the root buyer (root=ID)"
            raise InputError(message, file=self.file)
        return distinct[0]

    # -- the chain --------------------------------------------------------------------------

    def chain(self, root: str | None, default_name: str) -> Chain:
        buyers = self._buyers()
        root_id = self._root(root, buyers)
        # Parties are read from every release (a name a party had earlier becomes an alias);
        # tenders, awards and contracts from each process's merged release.
        raw = [r for r in self.package.releases if buyers[r.ocid] == root_id]
        releases = [r for r in self.merged if buyers[r.ocid] == root_id]
        ocids = list(dict.fromkeys(r.ocid for r in releases))
        agencies = {cid for ocid, cid in buyers.items() if ocid in ocids}
        organizations = self._organizations(raw, agencies)
        tender_titles = {r.ocid: t for r in releases if (t := _tender_title(r.data))}
        contracts = self._contracts(releases)
        for release in releases:
            buyer = buyers[release.ocid]
            service = tender_titles.get(release.ocid)
            for i, award in enumerate(_dicts(release.data.get("awards"))):
                self._award(release, i, award, buyer, service, contracts)
        first_title = next(iter(tender_titles.values()), None)
        data = {
            "subtier": 1,
            "name": self.package.name or first_title or default_name,
            "root": root_id,
            "description": f"Imported from OCDS: {len(ocids)} contracting process"
            + ("" if len(ocids) == 1 else "es")
            + f" of buyer {root_id}.",
            "organizations": organizations,
            "engagements": list(self.engagements.values()),
        }
        try:
            chain = Chain.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            loc = ".".join(str(part) for part in first["loc"])
            raise InputError(f"as a chain, {loc}: {first['msg']}", file=self.file) from None
        problems = validate_chain(chain)
        if problems:
            first_problem = problems[0]
            message = f"as a chain, {first_problem.field}: {first_problem.message}"
            raise InputError(message, file=self.file)
        return chain

    def _organizations(self, releases: list[_Release], agencies: set[str]) -> list[dict[str, Any]]:
        """Parties merged by id: a later release's non-empty values win; names become aliases."""
        merged: dict[str, dict[str, Any]] = {}
        for release in releases:
            for party in _dicts(release.data.get("parties")):
                pid = _text(party.get("id")) or ""
                org = merged.setdefault(
                    pid,
                    {"id": self.chain_ids[pid], "name": pid, "aliases": [], "identifiers": {}},
                )
                roles: set[str] = org.setdefault("_roles", set())
                roles.update(_strings(party.get("roles")))
                name = _text(party.get("name"))
                if name and name != org["name"]:
                    if org["name"] != pid and org["name"] not in org["aliases"]:
                        org["aliases"].append(org["name"])
                    org["name"] = name
                address = party.get("address")
                if isinstance(address, dict):
                    for key, target in _ADDRESS.items():
                        if value := _text(address.get(key)):
                            org[target] = value
                identifiers = [party.get("identifier"), *_dicts(party.get("additionalIdentifiers"))]
                for ident in identifiers:
                    if isinstance(ident, dict):
                        scheme, value = _text(ident.get("scheme")), _text(ident.get("id"))
                        if scheme and value:
                            org["identifiers"][scheme.lower()] = value
        out = []
        for org in merged.values():
            roles = org.pop("_roles")
            agency = roles & _AGENCY_ROLES or org["id"] in agencies
            org["type"] = (OrgType.AGENCY if agency else OrgType.COMPANY).value
            org["aliases"] = [a for a in org["aliases"] if a != org["name"]]
            out.append(org)
        return out

    def _contracts(
        self, releases: list[_Release]
    ) -> dict[tuple[str, str], list[tuple[_Release, str, dict[str, Any]]]]:
        """Contracts by (ocid, awardID), with the release and path each was read from."""
        out: dict[tuple[str, str], list[tuple[_Release, str, dict[str, Any]]]] = {}
        for release in releases:
            for i, contract in enumerate(_dicts(release.data.get("contracts"))):
                award_id = _text(contract.get("awardID"))
                status = self.status(release, contract.get("status"), f"contracts[{i}].status")
                if award_id is None or status == "cancelled":
                    continue
                entry = (release, f"contracts[{i}]", contract)
                out.setdefault((release.ocid, award_id), []).append(entry)
        return out

    def _award(
        self,
        release: _Release,
        index: int,
        award: dict[str, Any],
        buyer: str,
        tender_title: str | None,
        contracts: dict[tuple[str, str], list[tuple[_Release, str, dict[str, Any]]]],
    ) -> None:
        path = f"awards[{index}]"
        award_id = _text(award.get("id"))
        if award_id is None:
            raise self.error(release, "award without an id", f"{path}.id")
        if self.status(release, award.get("status"), f"{path}.status") in _SKIPPED_AWARDS:
            return
        what = f"award {award_id!r} supplier"
        suppliers = [
            self._party(release, ref, f"{path}.suppliers[{j}]", what)
            for j, ref in enumerate(_list(award.get("suppliers")))
        ]
        linked = contracts.get((release.ocid, award_id), [])
        # The award's value is for all its suppliers together: it is a supplier's price only
        # when there is one supplier. A linked contract's value and period win over the award's.
        price = _money(self, release, award.get("value"), f"{path}.value")
        start, end = _period(self, release, award.get("contractPeriod"), f"{path}.contractPeriod")
        for contract_release, cpath, contract in linked:
            price = _money(self, contract_release, contract.get("value"), f"{cpath}.value") or price
            cstart, cend = _period(
                self, contract_release, contract.get("period"), f"{cpath}.period"
            )
            start, end = cstart or start, cend or end
        service = _text(award.get("title")) or tender_title
        subcontracts = list(self._subcontracts(release, award, path, suppliers))
        for contract_release, cpath, contract in linked:
            subcontracts += self._subcontracts(contract_release, contract, cpath, suppliers)
        for supplier in suppliers:
            key = (release.ocid, award_id, supplier)
            disclosed = True if any(s[1] == supplier for s in subcontracts) else None
            self._engagement(
                key,
                f"{award_id}-{supplier}",
                buyer=buyer,
                supplier=supplier,
                service=service,
                price=price if len(suppliers) == 1 else None,
                start=start,
                end=end,
                subcontractors_disclosed=disclosed,
                source=release.ocid,
            )
        for sub_release, main, sub, fields in subcontracts:
            if main not in suppliers:
                message = f"subcontract of award {award_id!r}: main contractor {main!r} is not a supplier of the award"
                raise self.error(sub_release, message)
            self._engagement(
                (release.ocid, award_id, main, sub),
                f"{award_id}-{main}-{sub}",
                buyer=main,
                supplier=sub,
                service=fields.get("service") or service,
                price=fields.get("price"),
                start=fields.get("start"),
                end=fields.get("end"),
                subcontractors_disclosed=None,
                source=release.ocid,
            )

    def _subcontracts(
        self, release: _Release, parent: dict[str, Any], path: str, suppliers: list[str]
    ) -> Iterator[tuple[_Release, str, str, dict[str, Any]]]:
        """(release, main contractor, subcontractor, fields) for each subcontractor named in an
        award's or contract's ``subcontracting.subcontracts``, ``subcontracting.subcontractors``
        or ``subcontractors``."""
        items: list[tuple[dict[str, Any], str]] = []
        subcontracting = parent.get("subcontracting")
        if isinstance(subcontracting, dict):
            base = f"{path}.subcontracting"
            for j, sub in enumerate(_list(subcontracting.get("subcontracts"))):
                if not isinstance(sub, dict):
                    raise self.error(
                        release, "subcontract is not an object", f"{base}.subcontracts[{j}]"
                    )
                items.append((sub, f"{base}.subcontracts[{j}]"))
            for j, ref in enumerate(_list(subcontracting.get("subcontractors"))):
                items.append(({"subcontractor": ref}, f"{base}.subcontractors[{j}]"))
        for j, ref in enumerate(_list(parent.get("subcontractors"))):
            items.append(({"subcontractor": ref}, f"{path}.subcontractors[{j}]"))
        for sub, spath in items:
            refs = [(sub.get("subcontractor"), f"{spath}.subcontractor")]
            refs += [
                (r, f"{spath}.subcontractors[{k}]")
                for k, r in enumerate(_list(sub.get("subcontractors")))
            ]
            refs = [(r, p) for r, p in refs if r is not None]
            if not refs:
                raise self.error(release, "subcontract names no subcontractor", spath)
            main = self._main_contractor(release, sub, spath, suppliers)
            fields: dict[str, Any] = {
                "service": _text(sub.get("title")) or _text(sub.get("description")),
                "price": _money(self, release, sub.get("value"), f"{spath}.value"),
            }
            fields["start"], fields["end"] = _period(
                self, release, sub.get("period"), f"{spath}.period"
            )
            for ref, rpath in refs:
                yield release, main, self._party(release, ref, rpath, "subcontractor"), fields

    def _main_contractor(
        self, release: _Release, sub: dict[str, Any], path: str, suppliers: list[str]
    ) -> str:
        """The supplier that subcontracts: as the subcontract names it, else the award's one."""
        for key in _MAIN_CONTRACTOR_KEYS:
            if isinstance(sub.get(key), dict):
                return self._party(release, sub[key], f"{path}.{key}", "main contractor")
        if len(suppliers) == 1:
            return suppliers[0]
        message = (
            "subcontract does not name its main contractor (mainContractor)"
            f" and the award has {len(suppliers)} suppliers"
        )
        raise self.error(release, message, path)

    def _engagement(self, key: tuple[str, ...], wanted_id: str, **fields: Any) -> None:
        """Add an engagement, or fill in the one already read under this key."""
        existing = self.engagements.get(key)
        if existing is not None:
            existing.update({k: v for k, v in fields.items() if v is not None})
            return
        cleaned = _ID_CHARS.sub("-", wanted_id)
        cleaned = cleaned if cleaned[:1].isalnum() else f"e{cleaned}"
        chain_id, n = cleaned, 2
        while chain_id in self.engagement_ids:
            chain_id, n = f"{cleaned}-{n}", n + 1
        self.engagement_ids.add(chain_id)
        self.engagements[key] = {"id": chain_id, **fields}


def _field_path(where: str) -> tuple[str | int, ...]:
    """``releases[0].awards[1].status`` as the path ``("releases", 0, "awards", 1, "status")``."""
    return tuple(int(index) if index else key for key, index in _PATH_PART.findall(where))


# -- values -----------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A string or number as stripped text; anything else, or empty text, is None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        return str(value).strip() or None
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def _strings(value: Any) -> set[str]:
    return {item for item in _list(value) if isinstance(item, str)}


def _tender_title(data: dict[str, Any]) -> str | None:
    tender = data.get("tender")
    return _text(tender.get("title")) if isinstance(tender, dict) else None


def _money(reader: _Reader, release: _Release, value: Any, path: str) -> dict[str, Any] | None:
    """An OCDS Value as a total price, or None when it has no amount."""
    if not isinstance(value, dict) or value.get("amount") is None:
        return None
    amount = value["amount"]
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
        raise reader.error(
            release, f"amount {amount!r} is not a number 0 or more", f"{path}.amount"
        )
    currency = _text(value.get("currency")) or "USD"
    if not re.fullmatch(r"[A-Za-z]{3}", currency):
        raise reader.error(
            release, f"currency {currency!r} is not an ISO 4217 code", f"{path}.currency"
        )
    return {"amount": float(amount), "per": Per.TOTAL.value, "currency": currency.upper()}


def _period(
    reader: _Reader, release: _Release, period: Any, path: str
) -> tuple[str | None, str | None]:
    if not isinstance(period, dict):
        return None, None
    return (
        _date(reader, release, period.get("startDate"), f"{path}.startDate"),
        _date(reader, release, period.get("endDate"), f"{path}.endDate"),
    )


def _date(reader: _Reader, release: _Release, value: Any, path: str) -> str | None:
    """An OCDS date-time (``2024-03-01T00:00:00Z``) as an ISO date."""
    text = _text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise reader.error(release, f"{text!r} is not a date", path) from None
