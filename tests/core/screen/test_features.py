"""Each scoring feature explains itself: its docstring, and its detail on a real pair."""

from __future__ import annotations

from typing import Any

from subtier.core.screen import WEIGHTS, RiskList, make_record
from subtier.core.screen.engine import score_pair


def test_every_feature_has_a_docstring_and_a_weight() -> None:
    for name, (fn, topic, weight) in WEIGHTS.items():
        assert fn.__doc__, name
        assert len(fn.__doc__.strip()) > 20, name
        assert topic
        assert -1 <= weight <= 1.5


def _pair(facility_list: RiskList, **query: object) -> dict[str, str]:
    entry = next(r for r in facility_list.records if r.id == "10003571")
    record = make_record("q", str(query.pop("name", "Taft call center")), **query)  # type: ignore[arg-type]
    match = score_pair(record, entry, facility_list)
    return {f.name: f.detail for f in match.features}


def test_feature_details(facility_list: RiskList) -> None:
    same = _pair(facility_list, address="601 N Oak St, Taft, OK 74463")
    assert same["address_same"] == "same number and street in same ZIP"
    assert same["place"] == "same ZIP"
    assert same["name"] == "differs"
    near = _pair(facility_list, address="400 Oak St, Taft, OK")
    assert near["address_near"].startswith("same street, 601 vs 400: about 322 m apart")
    located = _pair(facility_list, latitude=35.7677, longitude=-95.5445)
    assert located["location"].endswith("grounds radius 214 m")
    named = _pair(facility_list, name="Eddie Warrior Correctional Centre", city="Taft", state="OK")
    assert named["name"].startswith("similar") or named["name"] == "same"
    abroad = _pair(facility_list, address="1 Ayala Ave, Makati", country="Philippines")
    assert abroad["country_differs"] == "PH vs US"
    far = _pair(facility_list, address="2400 N Oak St, Taft, OK 74463")
    assert far["address_differs"] == "different street address"
    other = _pair(facility_list, address="601 N Oak St, Muskogee, OK 74401")
    assert other["place_differs"] == "different town or ZIP"
    form = score_pair(make_record("a", "Acme JSC"), make_record("b", "Acme LLC"), facility_list)
    assert [f.detail for f in form.features if f.name == "legal_form_differs"] == ["jsc vs llc"]


def test_address_line_and_typo_tolerant_names(facility_list: RiskList) -> None:
    entry = make_record(
        "L1", "Zolcoskes Chemical Corporation", address="No. 360 Harbour Road, Dhaka", country="bd"
    )
    query = make_record(
        "q", "Zolcoskes Chemical (Dhaka) Crorporation", address="360 Harbour Road, Dhaka"
    )
    match = score_pair(query, entry, facility_list)
    details = {f.name: f.detail for f in match.features}
    assert details["address_line"] == "same number, street and town (1.00)"
    assert details["name"].startswith("similar")
    moved = make_record("q", "Zolcoskes Chemical Corporation", address="12 Harbour Road, Dhaka")
    assert {f.name: f.detail for f in score_pair(moved, entry, facility_list).features}[
        "address_differs"
    ] == "different street address"


def test_transliterated_word_sounds_the_same(facility_list: RiskList) -> None:
    entry = make_record("L2", "Buxganbux Steel Inc.", country="id")
    query = make_record("q", "Buhsganbuhs Steel Inc.", country="id")
    match = score_pair(query, entry, facility_list)
    assert match.score >= 0.7


def test_identifier_feature(facility_list: RiskList) -> None:
    entry = make_record("L3", "Campaign Committee", identifiers={"fec": "C00728154"})
    query = make_record("q", "Mike Bloomberg 2020 Inc", identifiers={"FEC": "c00728154 "})
    details = {f.name: f.detail for f in score_pair(query, entry, facility_list).features}
    assert details["identifier"] == "same fec C00728154"


def test_scoring_stops_early_only_below_the_floor(facility_list: RiskList) -> None:
    """evaluate_above gives evaluate's features whenever the total can reach the floor."""
    from subtier.core.screen.features import evaluate, evaluate_above

    ctx = facility_list.index.context
    queries = [
        make_record("a", "Taft call center", address="601 N Oak St, Taft, OK 74463"),
        make_record("b", "Eddie Warrior Correctional Centre", city="Taft", state="OK"),
        make_record("c", "Warrior Staffing LLC", address="1 Ayala Ave, Makati", country="PH"),
        make_record("d", "Oak Street Printing Inc", address="2400 N Oak St, Taft, OK 74463"),
        make_record("e", "Eddie Warrior Corr Ctr JSC", address="601 Oak, Muskogee, OK"),
    ]
    entries = facility_list.records[::40]
    stopped = kept = 0
    for query in queries:
        for entry in [*entries, *(r for r in facility_list.records if r.id == "10003571")]:
            full = evaluate(query, entry, ctx)
            total = sum(f.contribution for f in full)
            for floor in (-0.5, 0.0, 0.3, 0.7, 0.95):
                found = evaluate_above(query, entry, ctx, floor)
                if total >= floor:
                    assert found == full, (query.id, entry.id, floor)
                    kept += 1
                else:
                    assert found is None, (query.id, entry.id, floor)
                    stopped += 1
    assert stopped > 100  # both ways exercised
    assert kept > 100


def test_one_of_features_never_fire_together(facility_list: RiskList) -> None:
    """Scoring stops early counting one weight per ONE_OF group: at most one of each fires."""
    from subtier.core.screen.features import ONE_OF, evaluate

    ctx = facility_list.index.context
    streets = ("N Oak St", "N Oka St", "Oak", "N Oak Ave", "N Elm St", "S Oak St", "N Oaks St")
    queries = [
        make_record(str(i), "Acme", address=f"601 {street}, Taft, OK 74463")
        for i, street in enumerate(streets)
    ]
    queries += [
        make_record("m", "Acme", address="700 N Maimm St, Clovis, NM 88101"),
        make_record("n", "Acme", address="700 N Main St, Clovis, NM 88101"),
    ]
    seen: set[str] = set()
    for query in queries:
        for entry in facility_list.records:
            if entry.address is None or entry.address.number not in ("601", "700"):
                continue
            fired = {f.name for f in evaluate(query, entry, ctx)}
            seen |= fired
            for group in ONE_OF:
                assert len(fired & group) <= 1, (query.id, entry.id, fired)
    assert {"address_same", "address_typo", "address_slip"} <= seen


def test_screen_gives_the_ranked_matches_over_the_threshold(facility_list: RiskList) -> None:
    """Screener.screen (which skips pairs that cannot reach the threshold) keeps exactly the
    matches of Screener.rank (which scores every candidate) at or over the threshold."""
    from subtier.core.screen import Screener

    queries = [
        make_record("a", "Taft call center", address="601 N Oak St, Taft, OK 74463"),
        make_record("b", "Eddie Warrior Correctional Centre", city="Taft", state="OK"),
        make_record("c", "Dr Eddie Warrior", address="400 Oak St, Taft, OK"),
        make_record("d", "Muskogee County Jail", city="Muskogee", state="OK"),
        make_record("e", "Warrior Staffing", address="1 Ayala Ave, Makati", country="PH"),
    ]
    # Names many entries share in part ("county jail"): near ties, where the bar that rises
    # as a query's best candidates are found must still keep every one that makes the cut.
    for record in facility_list.records[::150]:
        a = record.address
        assert a is not None
        queries.append(
            make_record(f"f{record.id}", record.name.title(), city=a.city, state=a.state)
        )
        queries.append(make_record(f"g{record.id}", "County Jail", city=a.city, state=a.state))
    for threshold in (0.0, 0.3, 0.5, 0.7, 0.9):
        screener = Screener([facility_list], threshold)
        for query in queries:
            for top in (1, 3):
                ranked = screener.rank(query, top=top)
                want = [m for m in ranked if m.score >= threshold]
                assert screener.screen(query, top=top) == want, (query.id, threshold, top)


def test_a_feature_says_nothing_about_a_pair_lacking_what_it_needs(
    facility_list: RiskList,
) -> None:
    """Features are asked only when both records have what they need (features.NEEDS): for
    every other pair, each one of them must return None, or leaving it out would change a
    score."""
    from subtier.core.screen.features import _ADDRESS, _COUNTRY, _IDS, _POINT, NEEDS, WEIGHTS

    ctx = facility_list.index.context
    full: dict[str, Any] = dict(
        address="601 N Oak St, Taft, OK 74463", country="US", latitude=35.76, longitude=-95.55,
        identifiers={"hifld": "10003571"},
    )  # fmt: skip
    drop = {
        _IDS: ("identifiers",),
        _ADDRESS: ("address",),
        _POINT: ("latitude", "longitude"),
        _COUNTRY: ("country",),
    }
    entries = [*facility_list.records[::200], make_record("e", "Eddie Warrior", **full)]
    asked = 0
    for need, fields in drop.items():
        lacking = make_record(
            "q", "Eddie Warrior Correctional", **{k: v for k, v in full.items() if k not in fields}
        )
        for name, (fn, _topic, _weight) in WEIGHTS.items():
            if not NEEDS.get(name, 0) & need:
                continue
            for entry in entries:
                assert fn(lacking, entry, ctx) is None, (name, entry.id)
                assert fn(entry, lacking, ctx) is None, (name, entry.id)
                asked += 1
    assert asked > 100


def _entry(facility_list: RiskList, entry_id: str) -> Any:
    return next(r for r in facility_list.records if r.id == entry_id)


def _features(facility_list: RiskList, entry_id: str, address: str) -> dict[str, str]:
    query = make_record("q", "Acme Staffing LLC", address=address)
    match = score_pair(query, _entry(facility_list, entry_id), facility_list)
    return {f.name: f.detail for f in match.features}


def test_a_typo_in_the_street_at_the_same_number_and_zip_is_the_same_place(
    facility_list: RiskList,
) -> None:
    # 10003571 is 601 N Oak St, Taft, OK 74463; 10000101 is 1612 Dawkins Rd, LaGrange, KY 40031.
    found = _features(facility_list, "10000101", "1612 Dawkns Rd, LaGrange, KY 40031")
    assert found["address_typo"] == (
        "same number in same ZIP, street dawkns rd vs dawkins rd (one letter off)"
    )
    assert "address_differs" not in found
    assert "address_same" in _features(facility_list, "10003571", "601 Notrh Oak St, Taft OK 74463")
    assert "address_same" in _features(facility_list, "10003571", "601 Oak Street, Taft OK 74463")
    # Short names must agree: Oak never meets Elm; Oka is a typing slip at most (possible).
    found = _features(facility_list, "10003571", "601 N Elm St, Taft OK 74463")
    assert "address_typo" not in found
    assert "address_same" not in found
    assert "address_slip" not in found
    assert found["address_differs"] == "different street address"
    found = _features(facility_list, "10003571", "601 N Oka St, Taft OK 74463")
    assert "address_typo" not in found
    assert found["address_slip"] == (
        "same number in same ZIP, street oka st vs oak st (one typing slip)"
    )
    assert "address_differs" not in found


def test_figures_in_a_street_must_agree() -> None:
    from subtier.core.screen.features import _name_edits

    assert _name_edits("14 st", "15 st") is None
    assert _name_edits("rte 38a", "rte 38b") is None
    assert _name_edits("4 st", "furoth st") == 2
    assert _name_edits("industial blvd", "industrial blvd") == 1
    assert _name_edits("college sttreet", "college st") == 1


def test_po_box_matches_and_a_road_alone_is_possible(facility_list: RiskList) -> None:
    from subtier.core.screen import Screener, Strength

    screener = Screener([facility_list], 0.7)
    box = screener.screen(make_record("q", "Acme", address="PO Box 69, LaGrange, KY 40031"))
    assert [(m.entry_id, m.strength) for m in box] == [("10000102", Strength.MATCH)]
    assert "same P.O. box 69 in same ZIP" in [f.detail for f in box[0].features]
    other_box = screener.screen(make_record("q", "Acme", address="PO Box 70, LaGrange, KY 40031"))
    assert not other_box
    road = screener.screen(make_record("q", "Acme", address="Glen Ray Rd, Alderson, WV"))
    assert [(m.entry_id, m.strength) for m in road] == [("10006152", Strength.POSSIBLE)]


def test_route_forms_meet(facility_list: RiskList) -> None:
    # 10001167 is Oldham County Jail, 3405 KY-146, LaGrange, KY 40031.
    for written in (
        "3405 Route 146",
        "3405 State Highway 146",
        "3405 SR 146",
        "3405 Kentucky Rooute 146",
    ):
        found = _features(facility_list, "10001167", f"{written}, LaGrange, KY 40031")
        assert found.get("address_same") == "same number and street in same ZIP", written


def test_a_typod_street_is_a_candidate(facility_list: RiskList) -> None:
    query = make_record("q", "Acme Staffing LLC", address="1612 Dawkns Rd, LaGrange, KY 40031")
    positions = facility_list.index.candidates(query)
    assert "10000101" in [facility_list.records[p].id for p in positions]


def test_typing_slips_in_a_short_street_name_are_possible(facility_list: RiskList) -> None:
    from subtier.core.screen import Screener, Strength

    # 10003571 is 601 N Oak St, Taft, OK 74463; 10005708 is 700 N Main St, Clovis, NM 88101.
    found = _features(facility_list, "10005708", "700 North Maimm St, Clovis, NM 88101")
    assert found["address_slip"] == (
        "same number in same ZIP, street maimm st vs main st (2 typing slips)"
    )
    assert "address_differs" not in found
    screener = Screener([facility_list], 0.7)
    (match,) = screener.screen(
        make_record("q", "Acme Staffing", address="700 N Maimm St, Clovis, NM 88101")
    )
    assert (match.entry_id, match.strength) == ("10005708", Strength.POSSIBLE)
    # Letters far apart on the keyboard are no slip: Ward is not Wood, nor Main Mill.
    for other in ("700 N Mill St, Clovis, NM 88101", "700 N Mian Ave, Clovis, NM 88101"):
        assert "address_slip" not in _features(facility_list, "10005708", other)


def test_street_types_that_differ_are_different_streets() -> None:
    from subtier.core.normalize.addresses import Address
    from subtier.core.screen.features import _street_edits

    def street(name: str) -> Address:
        return Address(number="1", street=name, zip5="10001", country="us")

    assert _street_edits(street("boston rd"), street("morton ln")) is None
    assert _street_edits(street("boston rd"), street("bostn rd")) == 1
    assert _street_edits(street("boston rd"), street("boston ln")) == 0  # the name agrees
    assert _street_edits(street("bostn"), street("boston ln")) == 1  # a type left out


def test_an_ordinal_meets_its_spelling_with_its_first_letter() -> None:
    from subtier.core.screen.features import _name_edits

    assert _name_edits("4 st", "forh st") == 2
    assert _name_edits("4 st", "court st") is None
    assert _name_edits("4 st", "south st") is None
    assert _name_edits("1 st", "forest st") is None


def test_of_two_full_scores_the_one_whose_name_agrees_ranks_first(facility_list: RiskList) -> None:
    from subtier.core.screen import Screener

    # 10001727 FCI EL RENO and 10001728 FCI EL RENO CAMP share 4205 W Hwy 66, El Reno, OK.
    screener = Screener([facility_list], 0.7)
    (camp,) = screener.screen(
        make_record("q", "FCI El Reno Camp", address="4205 W Rte 66, El Reno, OK")
    )
    assert camp.entry_id == "10001728"
    (main,) = screener.screen(make_record("q", "FCI El Reno", address="4205 W Rte 66, El Reno, OK"))
    assert main.entry_id == "10001727"
