"""A labelled roster of work sites, written the way vendors type them, for the facility matcher.

Built from the raw HIFLD Prison Boundaries table (``../shared/data/hifld_prison_boundaries/
Prison_Boundaries.csv``), not from subtier's bundled copy or its normalizer, so that the set
does not inherit the matcher's own idea of an address.

Facilities are split by a hash of FACILITYID into **dev** and **heldout**; a split's rows only
ever use its own facilities (as truths, and as the towns and streets of its negatives). About
half the rows are positives (truth = FACILITYID): the facility's address retyped with typos,
other USPS suffix forms, route rewrites, units, ZIP+4 or no ZIP, spelled-out states, case and
punctuation, P.O. box forms, under its own name, a variant of it, or an unrelated business
name. The rest are negatives (empty truth) in the same towns. The ``variant`` column says what
was done to each row, ``source`` which facilities it was made from.

    python benchmarks/facility_sites.py OUT_DIR [--rows 2000] [--seed 7] [--split dev|heldout|both]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import string
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HIFLD_CSV = REPO.parent / "shared" / "data" / "hifld_prison_boundaries" / "Prison_Boundaries.csv"
COLUMNS = ("id", "name", "address", "city", "state", "zip", "truth", "variant", "source")
SPLITS = ("dev", "heldout")

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}  # fmt: skip

# USPS Publication 28, appendix C1, for the suffixes facilities are on: the standard
# abbreviation first, then the full word, then common forms people type that Pub. 28 accepts.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "ALY": ("ALLEY", "ALLY"), "AVE": ("AVENUE", "AV", "AVEN", "AVN"),
    "BLVD": ("BOULEVARD", "BOUL", "BOULV"), "BND": ("BEND",), "BYP": ("BYPASS", "BYPS"),
    "CIR": ("CIRCLE", "CIRC", "CRCL"), "CT": ("COURT", "CRT"), "CTR": ("CENTER", "CENTRE", "CNTR"),
    "CV": ("COVE",), "CRES": ("CRESCENT", "CRSNT"), "DR": ("DRIVE", "DRV"),
    "EXPY": ("EXPRESSWAY", "EXPWY"), "FWY": ("FREEWAY", "FRWY"), "HWY": ("HIGHWAY", "HIWAY"),
    "HL": ("HILL",), "HOLW": ("HOLLOW",), "LN": ("LANE",), "LOOP": ("LOOPS",),
    "PARK": ("PRK",), "PKWY": ("PARKWAY", "PKY", "PKWAY"), "PIKE": ("PIKES",), "PL": ("PLACE",),
    "PLZ": ("PLAZA", "PLZA"), "PT": ("POINT",), "RDG": ("RIDGE",), "RD": ("ROAD",),
    "RTE": ("ROUTE",), "SQ": ("SQUARE", "SQR"), "ST": ("STREET", "STR", "STRT"),
    "TER": ("TERRACE",), "TRL": ("TRAIL", "TRAILS"), "TPKE": ("TURNPIKE", "TRNPK"),
    "VW": ("VIEW",), "WAY": ("WY",), "XING": ("CROSSING", "CRSSNG"), "RUN": ("RUNS",),
}  # fmt: skip
SUFFIX_OF = {form: std for std, forms in SUFFIXES.items() for form in (std, *forms)}
DIRECTIONS = {
    "N": "NORTH", "S": "SOUTH", "E": "EAST", "W": "WEST",
    "NE": "NORTHEAST", "NW": "NORTHWEST", "SE": "SOUTHEAST", "SW": "SOUTHWEST",
}  # fmt: skip
DIRECTION_OF = {**{v: k for k, v in DIRECTIONS.items()}, **{k: k for k in DIRECTIONS}}

NAME_WORDS = {
    "CORRECTIONAL": ("CORR", "CORR.", "CORRECTIONS"), "COUNTY": ("CO", "CO.", "CNTY"),
    "CENTER": ("CTR", "CTR.", "CENTRE"), "FACILITY": ("FAC", "FAC."), "DETENTION": ("DET", "DET."),
    "DEPARTMENT": ("DEPT", "DEPT."), "INSTITUTION": ("INST", "INST."), "JUVENILE": ("JUV",),
    "REGIONAL": ("REG", "REG'L"), "SHERIFF": ("SHERIFFS", "SHERIFF'S"), "SAINT": ("ST", "ST."),
    "CORRECTIONS": ("CORR", "CORRECTIONAL"), "DISTRICT": ("DIST",), "FEDERAL": ("FED",),
}  # fmt: skip
NAME_TAILS = ("", " LLC", " Inc", " Inc.", " Co", ", LLC", " Corp", " Ltd", " Group", " Services")
FRONT_KINDS = (
    "Call Center", "Teleservices", "Contact Center", "Data Entry", "Fulfillment", "Services",
    "Telemarketing", "Customer Care", "Logistics", "Document Scanning", "Staffing", "Packaging",
    "Solutions", "Outsourcing", "Processing Center", "Support Center",
)  # fmt: skip
FRONT_WORDS = (
    "Acme", "Summit", "Pioneer", "Liberty", "Heartland", "Keystone", "Frontier", "Patriot",
    "Evergreen", "Apex", "Harbor", "Prairie", "Sterling", "Beacon", "Cardinal", "Granite",
    "Horizon", "Meridian", "Northstar", "Redwood", "Silverline", "Tri-County", "Unity", "Vantage",
    "ProCom", "AmeriVoice", "TeleNet", "DataWorks", "Precision", "Allied", "United", "Premier",
)  # fmt: skip
BUSINESSES = (
    "Auto Repair", "Dental", "Family Pharmacy", "Hardware", "Insurance Agency", "Diner",
    "Law Office", "Feed & Supply", "Storage", "Car Wash", "Printing", "Realty", "Bakery",
    "Plumbing & Heating", "Veterinary Clinic", "Tire Center", "Florist", "Accounting", "Motel",
    "Church", "Credit Union", "Grocery", "Electric", "Machine Shop", "Trucking", "Landscaping",
)  # fmt: skip
PEOPLE: tuple[str, ...] = (
    "Smith",
    "Johnson",
    "Garcia",
    "Miller",
    "Davis",
    "Martinez",
    "Wilson",
    "Anderson",
)
PEOPLE += ("Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Harris", "Clark", "Lewis")
STREETS: tuple[str, ...] = (
    "MAIN",
    "OAK",
    "MAPLE",
    "PINE",
    "CEDAR",
    "ELM",
    "WASHINGTON",
    "LINCOLN",
    "PARK",
)
STREETS += ("LAKE", "HILL", "CHURCH", "MILL", "WATER", "MARKET", "SPRING", "RIDGE", "RIVER")
STREETS += ("1ST", "2ND", "3RD", "4TH", "5TH", "INDUSTRIAL", "COMMERCE", "RAILROAD", "CENTER")
STREETS += ("JACKSON", "FRANKLIN", "HIGH", "BROAD", "WALNUT", "CHESTNUT", "JEFFERSON", "DEPOT")
STREET_SUFFIXES = ("ST", "AVE", "RD", "DR", "BLVD", "LN", "WAY", "CT", "PKWY", "PL", "CIR")
UNITS: tuple[str, ...] = (
    "SUITE {n}",
    "STE {n}",
    "STE. {n}",
    "BLDG {n}",
    "BUILDING {a}",
    "UNIT {a}",
    "# {n}",
)
UNITS += ("#{n}", "RM {n}", "ROOM {n}", "FL {f}", "FLOOR {f}", "DOCK {f}", "DEPT {n}")
KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
BOX_FORMS: tuple[str, ...] = (
    "PO BOX {n}",
    "P.O. BOX {n}",
    "P O BOX {n}",
    "POST OFFICE BOX {n}",
    "BOX {n}",
)
BOX_FORMS += ("PO BX {n}", "P.O.BOX {n}", "POB {n}", "P.O. Box #{n}", "PO Box {n}")
# A post office box, as opposed to a rural route's or a highway contract's ("RR 6, BOX 21A"):
# only the first is rewritten among the post office's forms.
PO_BOX_RE = re.compile(r"\bP\.?\s*O\.?\s*BOX\b|\bPOST OFFICE BOX\b")
BOX_RE = re.compile(
    r"\b(?:P\.?\s*O\.?\s*(?:BOX|BX|B)|POST OFFICE\s+BOX|BOX)\s*#?\s*(\d+[A-Z]?|[A-Z])\b"
)


@dataclass(frozen=True)
class Facility:
    id: str
    name: str
    address: str
    city: str
    state: str
    zip: str
    zip4: str


@dataclass
class Site:
    id: str
    name: str
    address: str
    city: str
    state: str
    zip: str
    truth: str
    variant: list[str]
    source: list[str]

    def row(self) -> list[str]:
        return [
            self.id,
            self.name,
            self.address,
            self.city,
            self.state,
            self.zip,
            self.truth,
            "+".join(self.variant),
            ";".join(self.source),
        ]


# --- the source table and a crude normalization of our own -----------------------------------


def read_hifld(path: Path = HIFLD_CSV) -> list[Facility]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Facility(
            r["FACILITYID"].strip(),
            r["NAME"].strip(),
            " ".join(r["ADDRESS"].split()),
            r["CITY"].strip(),
            r["STATE"].strip(),
            r["ZIP"].strip().zfill(5) if r["ZIP"].strip() else "",
            "" if r["ZIP4"].strip() in ("", "-999") else r["ZIP4"].strip().zfill(4),
        )
        for r in rows
    ]


def split_of(facility_id: str) -> str:
    """dev or heldout from a hash of the id alone: the same for every seed and row count."""
    digest = hashlib.sha256(f"subtier-facbench:{facility_id}".encode()).digest()
    return SPLITS[digest[0] % 2]


def crude_words(address: str) -> list[str]:
    """Upper case, no punctuation, standard suffix and directional forms: enough to tell two
    spellings of one address apart from two addresses, without the matcher's normalizer."""
    text = re.sub(r"[^\w#\s-]", " ", address.upper()).replace("-", " ").replace("#", " ")
    words = text.split()
    return [DIRECTION_OF.get(w, SUFFIX_OF.get(w, w)) if i else w for i, w in enumerate(words)]


def crude_key(address: str) -> tuple[str, str]:
    """(house number, street) of an address's first part, units dropped."""
    words = crude_words(address.split(",")[0])
    for i, w in enumerate(words):
        if w in ("STE", "SUITE", "BLDG", "UNIT", "RM", "ROOM", "FL", "APT", "DEPT", "DOCK"):
            words = words[:i]
            break
    if words and words[0][0].isdigit():
        return words[0], " ".join(words[1:])
    return "", " ".join(words)


def box_number(address: str) -> str:
    found = BOX_RE.search(address.upper())
    return found.group(1) if found else ""


# --- the ways people retype an address ------------------------------------------------------


def typo(word: str, rng: random.Random, edits: int = 1) -> str:
    """One or two dropped, doubled, swapped or substituted letters, away from the first."""
    for _ in range(edits):
        letters = [i for i in range(1, len(word)) if word[i].isalpha()]
        if not letters:
            return word
        i = rng.choice(letters)
        kind = rng.choice(("drop", "double", "swap", "substitute"))
        if rng.random() < 0.05:
            i, kind = 0, "drop"  # the first letter lost, as in "Downing Treet"
        if kind == "drop":
            word = word[:i] + word[i + 1 :]
        elif kind == "double":
            word = word[:i] + word[i] + word[i:]
        elif kind == "swap" and i + 1 < len(word) and word[i + 1].isalpha():
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            row = next((r for r in KEYBOARD if word[i].lower() in r), KEYBOARD[0])
            j = row.find(word[i].lower())
            near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)] or ["e"]
            sub = rng.choice(near)
            word = word[:i] + (sub.upper() if word[i].isupper() else sub) + word[i + 1 :]
    return word


def _is_street_word(word: str) -> bool:
    """Names and spelled-out suffixes ("Downing Treet"); not abbreviations or directionals
    (a directional typo is apply_directional's)."""
    bare = word.upper()
    if len(bare) < 4 or not bare.isalpha() or bare in DIRECTION_OF:
        return False
    return bare not in SUFFIX_OF or (len(bare) >= 5 and bare in SUFFIXES.get(SUFFIX_OF[bare], ()))


def apply_typos(address: str, rng: random.Random, tags: list[str]) -> str:
    words = address.split(" ")
    candidates = [i for i, w in enumerate(words) if _is_street_word(w)]
    if not candidates:
        return address
    for i in rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 1, 2)))):
        words[i] = typo(words[i], rng, rng.choice((1, 1, 2)))
    tags.append("typo")
    return " ".join(words)


def apply_suffix(address: str, rng: random.Random, tags: list[str]) -> str:
    words = address.split(" ")
    for i in range(len(words) - 1, 0, -1):
        bare = words[i].rstrip(".,")
        std = SUFFIX_OF.get(bare)
        if std is None or (i + 1 < len(words) and words[i + 1].rstrip(".,").isdigit()):
            continue  # "HWY 83" is a route, handled by apply_route
        forms = [f for f in (std, *SUFFIXES[std]) if f != bare]
        # Most people write the standard abbreviation or the whole word; a few the odd form.
        choice = rng.choice([std, SUFFIXES[std][0], std, SUFFIXES[std][0], *SUFFIXES[std][1:]])
        words[i] = (choice if choice in forms else forms[0]) + words[i][len(bare) :]
        tags.append("suffix")
        return " ".join(words)
    return address


def _movable_direction(words: Sequence[str], i: int) -> bool:
    if words[i].rstrip(".") not in DIRECTION_OF:
        return False
    after = words[i + 1].rstrip(".,") if i + 1 < len(words) else ""
    if after:  # a pre-directional, unless it names the street or a grid line follows
        return words[i - 1][:1].isdigit() and after not in SUFFIX_OF and not after.isdigit()
    return words[i - 1].rstrip(".,") in SUFFIX_OF  # a post-directional after the suffix


def apply_directional(address: str, rng: random.Random, tags: list[str]) -> str:
    words = address.split(" ")
    # A directional that is the street's name ("242 SOUTH BLVD") or a grid coordinate's
    # ("2270 S 525 W") stays: changing it would write another address.
    spots = [i for i in range(1, len(words)) if _movable_direction(words, i)]
    if not spots:
        return address
    i = rng.choice(spots)
    bare = words[i].rstrip(".")
    short = DIRECTION_OF[bare]
    how = rng.choice(("drop", "spell", "spell", "typo"))
    if how == "drop":
        del words[i]
        tags.append("dir-dropped")
    elif how == "spell" or len(DIRECTIONS[short]) < 5:
        words[i] = short if bare != short else DIRECTIONS[short]
        tags.append("dir-form")
    else:
        words[i] = typo(DIRECTIONS[short], rng)
        tags.append("dir-typo")
    return " ".join(words)


ROUTE_RE = re.compile(
    r"\b(?P<kind>UNITED STATES HIGHWAY|US HIGHWAY|US HWY|US ROUTE|US RTE|U\.?S\.? ?(?=\d)|US-"
    r"|STATE ROUTE|STATE RTE|STATE HIGHWAY|STATE HWY|STATE ROAD|STATE RD|SR\.?|SH\.?"
    r"|COUNTY ROAD|COUNTY RD|CO RD|CO\. RD\.?|CR\.?"
    r"|FM|FARM TO MARKET ROAD|F\.M\.|INTERSTATE|I-"
    r"|HIGHWAY|HWY\.?|ROUTE|RTE\.?|RT\.?"
    r"|(?P<st>[A-Z]{2})-) ?(?P<num>\d+[A-Z]?)\b"
)
ROUTE_FORMS = {
    "us": ("US HWY {n}", "US-{n}", "US HIGHWAY {n}", "U.S. ROUTE {n}", "US RTE {n}", "US {n}"),
    "state": ("STATE ROUTE {n}", "SR {n}", "STATE RTE {n}", "STATE HIGHWAY {n}", "STATE HWY {n}",
              "{st}-{n}", "{st} {n}", "{st} HWY {n}", "{name} ROUTE {n}", "ROUTE {n}"),
    "county": ("COUNTY ROAD {n}", "COUNTY RD {n}", "CR {n}", "CO RD {n}", "CO. ROAD {n}", "CR-{n}"),
    "fm": ("FM {n}", "FARM TO MARKET ROAD {n}", "FM ROAD {n}", "F.M. {n}", "FM-{n}", "FARM ROAD {n}"),
    "interstate": ("INTERSTATE {n}", "I-{n}", "I {n}"),
    "generic": ("HIGHWAY {n}", "HWY {n}", "HWY. {n}", "ROUTE {n}", "RTE {n}", "RT {n}", "RT. {n}"),
}  # fmt: skip


def _route_class(kind: str, state: str) -> str:
    kind = kind.replace(".", "").strip().rstrip("-")
    if kind.startswith(("US", "U S", "UNITED")):
        return "us"
    if kind.startswith(("STATE", "SR", "SH")) or (len(kind) == 2 and kind in STATES):
        return "state"
    if kind.startswith(("COUNTY", "CO", "CR")):
        return "county"
    if kind.startswith(("FM", "F M", "FARM")):
        return "fm"
    if kind.startswith(("INTERSTATE", "I")):
        return "interstate"
    return "generic"


def apply_route(address: str, state: str, rng: random.Random, tags: list[str]) -> str:
    found = ROUTE_RE.search(address.upper())
    if found is None or (found.group("st") and found.group("st") not in STATES):
        return address
    cls = _route_class(found.group("kind"), state)
    old = address[found.start() : found.end()].upper()
    forms = [
        f.format(n=found.group("num"), st=state, name=STATES.get(state, state).upper())
        for f in ROUTE_FORMS[cls]
    ]
    forms = [f for f in forms if f.replace(".", "") != old.replace(".", "")]
    tags.append(f"route-{cls}")
    return address[: found.start()] + rng.choice(forms) + address[found.end() :]


def apply_unit(address: str, rng: random.Random, tags: list[str]) -> str:
    unit = rng.choice(UNITS).format(
        n=rng.choice((rng.randint(1, 30), rng.randint(100, 450))),
        a=rng.choice("ABCDEF123"),
        f=rng.randint(1, 4),
    )
    tags.append("unit")
    if rng.random() < 0.15:
        return f"{unit}, {address}"  # some put the unit first, as on an envelope's top line
    return f"{address}{rng.choice((', ', ' ', ' ,'))}{unit}"


def apply_punct(address: str, rng: random.Random, tags: list[str]) -> str:
    words = address.split(" ")
    out = []
    for w in words:
        if (w.upper() in SUFFIX_OF or w.upper() in DIRECTION_OF) and rng.random() < 0.6:
            w += "."
        out.append(w)
    text = " ".join(out)
    if rng.random() < 0.3:
        text = text.replace(" ", "  ", 1)
    if rng.random() < 0.3:
        text += rng.choice((".", ",", " ."))
    tags.append("punct")
    return text


def apply_case(text: str, how: str) -> str:
    if how == "lower":
        return text.lower()
    if how == "title":
        return string.capwords(text.lower())
    return text.upper()


def box_variant(address: str, rng: random.Random, tags: list[str]) -> str:
    """The box as people write it, kept a box; a street beside it kept, dropped or moved."""
    number = box_number(address)
    box = rng.choice(BOX_FORMS).format(n=number)
    rest = [p.strip() for p in address.split(",") if p.strip() and not BOX_RE.search(p.upper())]
    tags.append("pobox")
    if rest and rng.random() < 0.5:
        tags.append("pobox-with-street")
        return f"{rest[0]}, {box}" if rng.random() < 0.5 else f"{box}, {rest[0]}"
    return box


def name_variant(name: str, rng: random.Random) -> str:
    words = name.split()
    changed = False
    for i, w in enumerate(words):
        if w in NAME_WORDS and rng.random() < 0.7:
            words[i] = rng.choice(NAME_WORDS[w])
            changed = True
    if len(words) > 3 and (not changed or rng.random() < 0.3):
        drop = rng.choice(
            [i for i, w in enumerate(words) if w not in ("COUNTY", "CO", "CO.")][1:] or [1]
        )
        del words[drop]
    if rng.random() < 0.3:
        words = [w for w in words if w not in ("THE", "OF")]
    return " ".join(words)


def front_name(city: str, rng: random.Random) -> str:
    base = rng.choice((string.capwords(city.lower()), rng.choice(FRONT_WORDS)))
    return f"{base} {rng.choice(FRONT_KINDS)}{rng.choice(NAME_TAILS)}"


def business_name(city: str, rng: random.Random) -> str:
    if rng.random() < 0.35:
        return front_name(city, rng)
    who = rng.choice((rng.choice(PEOPLE), string.capwords(city.lower()), rng.choice(FRONT_WORDS)))
    return f"{who} {rng.choice(BUSINESSES)}{rng.choice(NAME_TAILS)}"


# --- building a split ------------------------------------------------------------------------


# How far, in house numbers, a negative on a facility's street stays from every facility on
# it: about half a mile where numbers run 1,000 to the mile, five blocks in a city grid. Some
# grounds are over a kilometre across, so a site 100 numbers from the gate may be inside them.
FAR = 500


class Table:
    """The whole HIFLD table, indexed crudely for the checks on negatives."""

    def __init__(self, facilities: Sequence[Facility]) -> None:
        self.facilities = list(facilities)
        self.by_id = {f.id: f for f in facilities}
        self.keys: set[tuple[str, str, str]] = set()  # number, street, zip
        self.town_keys: set[tuple[str, str, str, str]] = set()  # number, street, city, state
        self.numbers: dict[tuple[str, str], list[int]] = defaultdict(list)  # street, zip
        self.boxes: set[tuple[str, str]] = set()  # box, zip
        self.per_address: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for f in facilities:
            for part in f.address.split(","):
                number, street = crude_key(part)
                self.keys.add((number, street, f.zip))
                self.town_keys.add((number, street, f.city.upper(), f.state))
                if number.isdigit():
                    self.numbers[street, f.zip].append(int(number))
                    self.numbers[street, f.city.upper() + f.state].append(int(number))
            if box_number(f.address):
                self.boxes.add((box_number(f.address), f.zip))
            self.per_address[" ".join(crude_words(f.address)), f.city.upper(), f.state].append(f.id)

    def shared_address(self, f: Facility) -> bool:
        return len(self.per_address[" ".join(crude_words(f.address)), f.city.upper(), f.state]) > 1

    def clashes(self, address: str, city: str, state: str, zip5: str) -> bool:
        """True when a made-up address could be a facility's: the same number and street in
        the ZIP or the town, within FAR of a facility's number on that street, or its box."""
        number, street = crude_key(address)
        if box_number(address):
            return (box_number(address), zip5) in self.boxes
        if (number, street, zip5) in self.keys or (number, street, city, state) in self.town_keys:
            return True
        if not number.isdigit():
            return True  # no number to tell it from a facility on that street
        near = self.numbers.get((street, zip5), []) + self.numbers.get((street, city + state), [])
        return any(abs(int(number) - n) < FAR for n in near)


def usable(f: Facility) -> bool:
    return bool(f.address) and f.address.upper() not in ("NOT AVAILABLE", "N/A", "NA", "UNKNOWN")


def _finish(site: Site, f: Facility, rng: random.Random, negative: bool) -> Site:
    """The surface changes both kinds get alike, so that no surface tells them apart."""
    tags = site.variant
    if rng.random() < 0.35:
        site.address = apply_suffix(site.address, rng, tags)
    if rng.random() < 0.25:
        site.address = apply_directional(site.address, rng, tags)
    if rng.random() < 0.15 and not box_number(site.address):
        site.address = apply_unit(site.address, rng, tags)
    if rng.random() < 0.15:
        site.address = apply_punct(site.address, rng, tags)
    r = rng.random()
    if r < 0.12:
        site.zip = ""
        tags.append("no-zip")
    elif r < 0.27:
        plus4 = f.zip4 if f.zip4 and not negative else f"{rng.randint(1, 9999):04d}"
        site.zip = f"{site.zip}-{plus4}"
        tags.append("zip4")
    elif r < 0.35 and site.zip.startswith("0"):
        site.zip = site.zip.lstrip("0")  # a spreadsheet read the ZIP as a number
        tags.append("zip-leading-zero-lost")
    if rng.random() < 0.15 and f.state in STATES:
        site.state = rng.choice((STATES[f.state], STATES[f.state].upper()))
        tags.append("state-name")
    city = site.city.upper()
    saint = re.match(r"^(ST\.?|SAINT|FT\.?|FORT|MT\.?|MOUNT) ", city)
    if saint and rng.random() < 0.5:
        swap = {"ST": "SAINT", "SAINT": "ST.", "FT": "FORT", "FORT": "FT", "MT": "MOUNT"}
        swap["MOUNT"] = "MT"
        head = saint.group(1).rstrip(".")
        site.city = swap[head] + city[saint.end() - 1 :]
        tags.append("city-form")
    how = rng.choices(("upper", "title", "lower", "as-is"), (3, 4, 1, 2))[0]
    if how != "as-is":
        site.address, site.city = apply_case(site.address, how), apply_case(site.city, how)
        site.name = apply_case(site.name, how) if rng.random() < 0.5 else site.name
        tags.append(f"case-{how}")
    return site


def positive(f: Facility, rng: random.Random) -> Site:
    tags: list[str] = []
    address = f.address
    if PO_BOX_RE.search(address.upper()):
        address = box_variant(address, rng, tags)
    elif not box_number(address):  # a rural route's box is written as it is, "RR 2" no road
        if ROUTE_RE.search(address.upper()) and rng.random() < 0.7:
            address = apply_route(address, f.state, rng, tags)
        if rng.random() < 0.4:
            address = apply_typos(address, rng, tags)
    r = rng.random()
    if r < 0.3:
        name = f.name
        tags.append("name-own")
    elif r < 0.55:
        name = name_variant(f.name, rng)
        tags.append("name-variant")
    else:
        name = front_name(f.city, rng)
        tags.append("name-front")
    site = Site("", name, address, f.city, f.state, f.zip, f.id, tags, [f.id])
    return _finish(site, f, rng, negative=False)


def negative(
    f: Facility, others: Sequence[Facility], table: Table, rng: random.Random
) -> Site | None:
    """A site in the town of ``f`` that is no facility's, or None when none came out clean."""
    for _ in range(20):
        tags: list[str] = []
        source = [f.id]
        number, street = crude_key(f.address)
        kind = rng.choices(("far", "other", "borrowed", "box"), (4, 3, 2, 1))[0]
        if kind == "far" and number.isdigit() and street and not box_number(f.address):
            step = rng.choice((rng.randint(5, 9) * 100, rng.randint(1, 9) * 1000))
            new = (
                int(number) + step
                if rng.random() < 0.6 or int(number) <= step
                else int(number) - step
            )
            address = re.sub(r"^\s*\d+", str(new + rng.randint(0, 40) * 2), f.address.split(",")[0])
            tags.append("neg-same-street")
        elif kind == "borrowed":
            g = rng.choice(others)
            if g.city.upper() == f.city.upper() or box_number(g.address):
                continue
            g_number, g_street = crude_key(g.address)
            if not g_street:
                continue
            part = g.address.split(",")[0]
            tail = part[len(g_number) :].strip() if g_number else part
            address = f"{rng.randint(1, 99) * rng.choice((1, 10, 100)) + rng.randint(0, 9)} {tail}"
            tags.append("neg-facility-street-elsewhere")
            source.append(g.id)
        elif kind == "box":
            address = (
                f"{rng.choice(('PO BOX', 'P.O. BOX', 'POST OFFICE BOX'))} {rng.randint(1, 9999)}"
            )
            tags.append("neg-pobox")
        else:
            address = (
                f"{rng.randint(1, 60) * rng.choice((1, 10, 100)) + rng.randint(0, 9)} "
                f"{rng.choice(('', '', 'N ', 'S ', 'E ', 'W '))}{rng.choice(STREETS)} "
                f"{rng.choice(STREET_SUFFIXES)}"
            )
            tags.append("neg-other-street")
        if rng.random() < 0.25:
            address = apply_typos(address, rng, tags)
        site = Site(
            "", business_name(f.city, rng), address, f.city, f.state, f.zip, "", tags, source
        )
        site = _finish(site, f, rng, negative=True)
        if not table.clashes(site.address, f.city.upper(), f.state, f.zip):
            return site
    return None


def build(
    split: str, rows: int, seed: int, facilities: Sequence[Facility] | None = None
) -> list[Site]:
    """The roster of one split: ``rows`` rows, half positives, shuffled, ids in row order."""
    table = Table(facilities if facilities is not None else read_hifld())
    rng = random.Random(f"{seed}:{split}")
    mine = [f for f in table.facilities if split_of(f.id) == split and usable(f)]
    # A positive at an address two facilities share has no one right answer: left out.
    eligible = [f for f in mine if not table.shared_address(f)]
    sites: list[Site] = []
    wanted = rows // 2
    # Boxes and routes are rare in the table (under 1% and about 10%) but are where the ways
    # of writing differ most: each box facility is written twice, routes make up a fifth.
    boxes = [f for f in eligible if PO_BOX_RE.search(f.address.upper())]
    routes = [
        f for f in eligible if not box_number(f.address) and ROUTE_RE.search(f.address.upper())
    ]
    plain = [f for f in eligible if f not in boxes and f not in routes]
    chosen = (boxes * 2)[: wanted // 10]
    chosen += rng.sample(routes, min(len(routes), wanted // 5))
    chosen += rng.sample(plain, min(len(plain), wanted - len(chosen)))
    while len(chosen) < wanted:  # more rows than facilities: some are written twice
        chosen.append(rng.choice(eligible))
    sites += [positive(f, rng) for f in chosen]
    while len(sites) < rows:
        made = negative(rng.choice(mine), mine, table, rng)
        if made is not None:
            sites.append(made)
    rng.shuffle(sites)
    for i, site in enumerate(sites):
        site.id = f"{split[0]}{i + 1:05d}"
    return sites


def write(path: Path, sites: Iterable[Site]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(s.row() for s in sites)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for facilities_{split}.csv")
    parser.add_argument("--rows", type=int, default=2000, help="rows per split")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--split", choices=("dev", "heldout", "both"), default="dev")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    facilities = read_hifld()
    for split in SPLITS if args.split == "both" else (args.split,):
        sites = build(split, args.rows, args.seed, facilities)
        path = write(args.out / f"facilities_{split}.csv", sites)
        print(f"{path}: {len(sites)} rows, {sum(1 for s in sites if s.truth)} positives")


if __name__ == "__main__":
    main()
