"""Scoring features: small named functions, each returning a value and a readable detail.

A match's score is the sum of each feature's value times its declared weight (``WEIGHTS``),
clipped to 0..1. Negative weights are evidence against. Each feature's docstring is the
explanation users read in docs/screening.md (a test keeps the two identical).

One file because the weights table and the features are read together, and docs/screening.md is
generated from it: a feature's weight and its docstring are the explanation users see.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from subtier.core.immutable import immutable
from subtier.core.normalize.addresses import Address
from subtier.core.normalize.names import NormName
from subtier.core.normalize.usps import ORDINAL_WORDS, SPELLED, STREET_TYPES
from subtier.core.screen.lines import house_agrees, line_overlap
from subtier.core.screen.names import name_similarity, unpaired_words
from subtier.core.screen.record import Record
from subtier.core.screen.slips import slips

# US house numbers run about 1,000 to the mile in most grid systems: 1.6 m per number.
METERS_PER_HOUSE_NUMBER = 1.6
# Grounds radius assumed for a list entry whose extent is unknown.
DEFAULT_EXTENT_M = 100.0
# Names less alike than this count as different names.
SIMILAR_NAME = 0.6


@dataclass(frozen=True, slots=True)
class Context:
    """What features know about the list: word weights."""

    idf: Mapping[str, float]
    default_idf: float


@immutable(hashable=True)
class Feature:
    """One feature's verdict on a pair: its value (0 to 1), weight, and explanation."""

    name: str
    topic: str
    value: float
    weight: float
    detail: str

    @property
    def contribution(self) -> float:
        return self.value * self.weight


FeatureFn = Callable[[Record, Record, Context], tuple[float, str] | None]


def _same_place(a: Address, b: Address) -> str | None:
    if a.zip5 and b.zip5:
        return "ZIP" if a.zip5 == b.zip5 else None
    if (
        a.city
        and b.city
        and a.city == b.city
        and (not a.state or not b.state or a.state == b.state)
    ):
        return "town"
    return None


def _same_street(a: Address, b: Address) -> bool:
    if not a.street or not b.street or not _directions_agree(a, b):
        return False
    return a.street == b.street or a.street_name == b.street_name


def _directions_agree(a: Address, b: Address) -> bool:
    # Different directionals are different streets; one left out is not.
    return not (a.direction and b.direction and a.direction != b.direction)


def _allowed_edits(length: int) -> int:
    # "Oak" and "Elm" must never meet; a long word survives a slip or two.
    return 0 if length <= 3 else (1 if length <= 5 else (2 if length <= 9 else 3))


def _word_edits(x: str, y: str, wide: bool = False) -> int | None:
    """Letters to change between two words of a street name (a swap counting one), if few
    enough for their length; a word with a figure in it ("14th", "38a") must agree exactly,
    and a word typed for a street type is measured against the type spelled out. ``wide``
    forgives typing slips beyond that (``_slipped``)."""
    if x == y:
        return 0
    if not (x.isalpha() and y.isalpha()):
        return _ordinal_edits(x, y)
    if x in STREET_TYPES and y in STREET_TYPES:
        return 0 if STREET_TYPES[x] == STREET_TYPES[y] else None
    if x in STREET_TYPES or y in STREET_TYPES:
        typed, other = (x, y) if x in STREET_TYPES else (y, x)
        x, y = SPELLED.get(STREET_TYPES[typed], typed), other
    allowed = _allowed_edits(max(len(x), len(y)))
    edits = OSA.distance(x, y, score_cutoff=allowed) if allowed else allowed + 1
    if edits <= allowed:
        return edits
    return _slipped(x, y) if wide else None


def _ordinal_edits(x: str, y: str) -> int | None:
    """An ordinal as a figure meets its spelling with the typos its spelling's length allows
    ("4" and "furoth"), the first letter kept: "fourth" lies two letters from "south" and
    "court", and "first" two from "forest"."""
    figure, other = (x, y) if y.isalpha() else (y, x)
    spelled = ORDINAL_WORDS.get(figure)
    if spelled is None or not other.isalpha() or other[:1] != spelled[:1]:
        return None
    allowed = _allowed_edits(len(spelled))
    edits = OSA.distance(spelled, other, score_cutoff=allowed)
    return edits if edits <= allowed else None


def _slipped(x: str, y: str) -> int | None:
    """Typing slips between two short words (``slips``): two at most between words of four
    or five letters whose lengths differ by one at most; three-letter words only with their
    last two letters swapped ("oka" for "oak"). Longer words get no more than ``_word_edits``
    gives them: dropped letters cost one slip each, and "Madison" lies three drops from
    "Main"."""
    longest = max(len(x), len(y))
    if longest == 3:
        swapped = len(x) == len(y) and x[0] == y[0] and x[1:] == y[:0:-1]
        return 1 if swapped else None
    if longest not in (4, 5) or abs(len(x) - len(y)) > 1:
        return None
    found = slips(x, y)
    return found if found <= 2 else None


@lru_cache(maxsize=100_000)
def _name_edits(x: str, y: str, wide: bool = False) -> int | None:
    """Letters to change between two streets, word by word, or None if any word is too far."""
    xs, ys = x.split(), y.split()
    if len(xs) != len(ys):
        return None
    total = 0
    for u, v in zip(xs, ys, strict=True):
        edits = _word_edits(u, v, wide)
        if edits is None:
            return None
        total += edits
    return total


def _street_edits(a: Address, b: Address, wide: bool = False) -> int | None:
    """How far apart two streets are spelled: 0 for the same street (with or without its
    type), a few letters for typos, None for different streets. ``wide`` counts typing slips
    beyond the typos allowed (see ``address_slip``)."""
    if not a.street or not b.street or not _directions_agree(a, b):
        return None
    if a.street == b.street or a.street_name == b.street_name:
        return 0
    found = [_name_edits(a.street, b.street, wide)]
    x, y = a.street_name, b.street_name
    # The names alone when one side gave no type. Two types that differ ("Boston Rd" and
    # "Morton Ln") are two streets unless the names agree exactly (above).
    if x is not None and y is not None and (x == a.street) != (y == b.street):
        found.append(_name_edits(x, y, wide))
    known = [f for f in found if f is not None]
    return min(known) if known else None


def identifier(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """The same identifier (FEC id, EIN, LEI, HIFLD id ...) appears on both records."""
    for scheme, value in q.identifiers.items():
        if e.identifiers.get(scheme) == value:
            return 1.0, f"same {scheme} {value}"
    return None


def address_same(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Same house number and street in the same ZIP or town: the same place, whatever its name."""
    a, b = q.address, e.address
    if a is None or b is None or not a.number or a.number != b.number:
        return None
    if _street_edits(a, b) != 0:
        return None
    place = _same_place(a, b)
    return (1.0, f"same number and street in same {place}") if place else None


def address_typo(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Same house number in the same ZIP or town, and the street spelled a few letters apart:
    the same place. Each word may be one letter off at 4 or 5 letters, two at 6 to 9, three
    at 10 or more; shorter words and figures must agree ("Oak" never meets "Elm"), and two
    street types given must be the same ("Boston Rd" never meets "Morton Ln")."""
    a, b = q.address, e.address
    if a is None or b is None or not a.number or a.number != b.number:
        return None
    edits = _street_edits(a, b)
    if not edits:
        return None
    place = _same_place(a, b)
    if place is None:
        return None
    letters = "one letter" if edits == 1 else f"{edits} letters"
    return 1.0, f"same number in same {place}, street {a.street} vs {b.street} ({letters} off)"


def address_slip(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Same house number in the same ZIP or town, and the street typed with a slip more than
    address_typo forgives in a word: a letter dropped, doubled, swapped with the next, or
    struck on a neighbouring key ("Maimm St" for "Main St", "Oirt St" for "Court St"); in a
    three-letter word only its last two letters swapped ("Oka" for "Oak"). A letter changed
    for one far from it on the keyboard counts as two slips, so "Ward" and "Wood" never meet,
    nor "Elm" and "Elk". Possibly the same place on its own (short names lie near each other);
    the name agreeing too makes it a match."""
    a, b = q.address, e.address
    if a is None or b is None or not a.number or a.number != b.number:
        return None
    if _street_edits(a, b) is not None:
        return None  # the same street, or a typo address_typo forgives
    slipped = _street_edits(a, b, wide=True)
    if slipped is None:
        return None
    place = _same_place(a, b)
    if place is None:
        return None
    slips_said = "one typing slip" if slipped == 1 else f"{slipped} typing slips"
    return 1.0, f"same number in same {place}, street {a.street} vs {b.street} ({slips_said})"


def po_box(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """The same P.O. box in the same ZIP or town."""
    a, b = q.address, e.address
    if a is None or b is None or not a.po_box or a.po_box != b.po_box:
        return None
    place = _same_place(a, b)
    return (1.0, f"same P.O. box {a.po_box} in same {place}") if place else None


def street_only(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """The same street in the same ZIP or town, one side giving no house number: possibly
    on the same grounds (a rural facility often gives its road alone)."""
    a, b = q.address, e.address
    if a is None or b is None or (a.number and b.number) or a.po_box or b.po_box:
        return None
    if not _same_street(a, b):
        return None
    place = _same_place(a, b)
    return (1.0, f"same street in same {place}, no house number") if place else None


def _distance_m(q: Record, e: Record) -> float | None:
    if not (q.has_point and e.has_point):
        return None
    assert q.latitude is not None
    assert q.longitude is not None
    assert e.latitude is not None
    assert e.longitude is not None
    lat1, lat2 = math.radians(q.latitude), math.radians(e.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(e.longitude - q.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _grounds(distance: float, extent: float) -> float:
    # Inside the grounds radius is on the grounds; up to twice it, a large site's frontage may
    # still reach (sources place the same facility at different numbers); beyond, it is not.
    if distance <= extent:
        return 1.0
    if distance <= 2 * extent:
        return 0.9
    return 0.0


def address_near(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Same street in the same ZIP or town, a few numbers away: possibly on the same grounds.

    The distance is estimated at 1.6 m per house number and compared with the entry's extent.
    """
    a, b = q.address, e.address
    if a is None or b is None or not a.number or not b.number or a.number == b.number:
        return None
    if not _same_street(a, b) or not _same_place(a, b):
        return None
    if not (a.number.isdigit() and b.number.isdigit()):
        return None
    distance = abs(int(a.number) - int(b.number)) * METERS_PER_HOUSE_NUMBER
    extent = e.extent_m or DEFAULT_EXTENT_M
    value = _grounds(distance, extent)
    if value == 0:
        return None
    return value, (
        f"same street, {b.number} vs {a.number}: about {distance:,.0f} m apart, "
        f"grounds radius {extent:,.0f} m"
    )


def location(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """The coordinates fall within the entry's grounds (its extent around its centre)."""
    distance = _distance_m(q, e)
    if distance is None:
        return None
    extent = e.extent_m or DEFAULT_EXTENT_M
    value = _grounds(distance, extent)
    if value == 0:
        return None
    return value, f"{distance:,.0f} m from its centre, grounds radius {extent:,.0f} m"


# The last pair of names compared: name_words_differ asks again.
_last_names: tuple[NormName, NormName, float] | None = None


def _name_similarity(qn: NormName, en: NormName, ctx: Context) -> float:
    global _last_names
    last = _last_names
    if last is not None and last[0] is qn and last[1] is en:
        return last[2]
    found = name_similarity(qn, en, ctx.idf, ctx.default_idf)
    _last_names = (qn, en, found)
    return found


def name(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """How alike the names are, rare words weighing more than common ones."""
    best = 0.0
    for qn in q.names:
        for en in e.names:
            best = max(best, _name_similarity(qn, en, ctx))
    if best >= 0.99:
        return 1.0, "same"
    if best >= SIMILAR_NAME:
        return best, f"similar ({best:.2f})"
    return 0.0, "differs"


def name_words_differ(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """The names look alike, but each has a word the other lacks altogether, not even as a
    typo, a sound-alike or an abbreviation: "Igor Deripaska" and "Oleg Deripaska", "Bank of
    China (Hong Kong)" and "Bank of China (Singapore)". Counts by how much of the names those
    words are, and for half at least when the two words are not even half alike in their
    letters ("Al-Rawi" and "Al-Tikriti": two people, however long the rest of the name). A
    word left out on one side only (a middle name, a place) is no evidence against, and names
    that do not look alike are left to the name feature."""
    best: tuple[float, list[str], list[str]] | None = None
    for qn in q.names:
        for en in e.names:
            if _name_similarity(qn, en, ctx) < SIMILAR_NAME:
                continue
            extra_q, extra_e = unpaired_words(qn, en)
            if not extra_q or not extra_e:
                return None
            share = min(_share(extra_q, qn, ctx), _share(extra_e, en, ctx))
            value = max(share, _unlike(extra_q, extra_e)) if share > 0 else 0.0
            if best is None or value < best[0]:
                best = (value, extra_q, extra_e)
    if best is None or best[0] <= 0:
        return None
    value, extra_q, extra_e = best
    return value, f"{' '.join(extra_q)} vs {' '.join(extra_e)}"


# Words this alike in their letters may be one word badly typed ("Merkur" and "Merkel").
HALF_ALIKE = 0.5
# What a word on each side counts for at least, when no two of them are half alike.
UNLIKE_WORDS = 0.5


def _unlike(extra_q: list[str], extra_e: list[str]) -> float:
    for a in extra_q:
        for b in extra_e:
            if Levenshtein.normalized_similarity(a, b) >= HALF_ALIKE:
                return 0.0
    return UNLIKE_WORDS


# Words that say "son (or daughter) of": the name before is the child's, the one after the
# parent's.
_PARENT_OF = frozenset({"bin", "ibn", "ben", "bint", "binti", "binte"})


def name_parents_swapped(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Both names say "X bin Y" (son of; also ibn, ben, bint), with the names on either side
    of it swapped: "Salman bin Muhammad" and "Muhammad bin Salman" are son and father, not one
    person, though every word of one name is in the other."""
    for qn in q.names:
        mine = _parentage(qn.tokens)
        if not mine:
            continue
        for en in e.names:
            for child, parent in _parentage(en.tokens):
                if (parent, child) in mine:
                    return 1.0, f"{child} bin {parent} vs {parent} bin {child}"
    return None


def _parentage(tokens: Sequence[str]) -> set[tuple[str, str]]:
    if _PARENT_OF.isdisjoint(tokens):
        return set()
    return {
        (tokens[i - 1], tokens[i + 1])
        for i in range(1, len(tokens) - 1)
        if tokens[i] in _PARENT_OF and tokens[i - 1] != tokens[i + 1]
    }


def _share(words: list[str], norm: NormName, ctx: Context) -> float:
    # How much of the name the words are, by IDF.
    idf, default = ctx.idf, ctx.default_idf
    total = sum(idf.get(t, default) for t in norm.tokens if t not in norm.forms)
    return sum(idf.get(t, default) for t in words) / total if total else 0.0


def place(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Same ZIP, or same town and state."""
    if q.address is None or e.address is None:
        return None
    where = _same_place(q.address, e.address)
    return (1.0, f"same {where}") if where else None


def place_differs(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Both give a town or ZIP, and they differ."""
    a, b = q.address, e.address
    if a is None or b is None or _same_place(a, b):
        return None
    if (a.zip5 and b.zip5) or (a.city and b.city):
        return 1.0, "different town or ZIP"
    return None


def _parsed(a: Address | None) -> bool:
    return a is not None and bool(a.number and a.street)


def address_line(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Same house number, and nearly all the other words of the address (any country).

    Used when the two addresses cannot both be split into US street parts. A house number
    typed with a slip counts for less (see ``house_agrees``); street words typed a letter or
    two off ("Roao", "Stereet") or split in other places ("Kaif Aroad") still agree.
    """
    a, b = q.address, e.address
    if a is None or b is None or not a.line or not b.line or (_parsed(a) and _parsed(b)):
        return None
    if a.house is None or b.house is None:
        return None
    house = house_agrees(a.house, b.house)
    if house is None:
        return None
    overlap = _line_overlap(a, b)
    if overlap < 0.6:
        return None
    if house == 1.0:
        return overlap, f"same number, street and town ({overlap:.2f})"
    return overlap * house, (
        f"number {a.house} vs {b.house}, same street and town ({overlap * house:.2f})"
    )


# The last pair of addresses whose words were compared: address_differs asks again.
_last_overlap: tuple[Address, Address, float] | None = None


def _line_overlap(a: Address, b: Address) -> float:
    global _last_overlap
    last = _last_overlap
    if last is not None and last[0] is a and last[1] is b:
        return last[2]
    overlap = line_overlap(a.words, b.words)
    _last_overlap = (a, b, overlap)
    return overlap


def address_differs(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Both give a street address with a house number, and they are not the same place
    (two lines from abroad: see address_line_differs)."""
    a, b = q.address, e.address
    if a is None or b is None or po_box(q, e, ctx) or street_only(q, e, ctx):
        return None
    if _parsed(a) and _parsed(b):
        if (
            address_same(q, e, ctx)
            or address_typo(q, e, ctx)
            or address_slip(q, e, ctx)
            or address_near(q, e, ctx)
        ):
            return None
        return 1.0, "different street address"
    if _abroad(a, b):
        return None  # address_line_differs
    return _lines_differ(q, e, ctx, "different street address")


def address_line_differs(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Both give an address line with a house number outside the US (the country said on
    both), and the lines are not the same place even with typos forgiven (see address_line).
    Says more against than address_differs: two lines from abroad are compared whole, and
    one that differs is another address."""
    a, b = q.address, e.address
    if a is None or b is None or not _abroad(a, b):
        return None
    if po_box(q, e, ctx) or street_only(q, e, ctx):
        return None
    return _lines_differ(q, e, ctx, "different address line")


def _abroad(a: Address, b: Address) -> bool:
    # Two lines that cannot be split into US street parts, each with a country not the US.
    if _parsed(a) or _parsed(b):
        return False
    return bool(a.country and b.country) and "us" not in (a.country, b.country)


def _lines_differ(q: Record, e: Record, ctx: Context, said: str) -> tuple[float, str] | None:
    a, b = q.address, e.address
    if a is None or b is None or a.house is None or b.house is None:
        return None
    if address_line(q, e, ctx):
        return None
    return 1.0, said


def country_differs(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Both give a country, and they differ."""
    if q.country and e.country and q.country != e.country:
        return 1.0, f"{q.country.upper()} vs {e.country.upper()}"
    return None


def legal_form_differs(q: Record, e: Record, ctx: Context) -> tuple[float, str] | None:
    """Both names carry a legal form, and the forms differ (e.g. LLC vs JSC)."""
    qf = _forms(q)
    if not qf:
        return None
    ef = _forms(e)
    if ef and not qf & ef:
        return 1.0, f"{'/'.join(sorted(qf))} vs {'/'.join(sorted(ef))}"
    return None


def _forms(record: Record) -> frozenset[str]:
    names = record.names
    if len(names) == 1:
        return names[0].forms
    return frozenset().union(*(n.forms for n in names))


# name → (function, topic, weight). The declared table the score comes from.
WEIGHTS: Mapping[str, tuple[FeatureFn, str, float]] = {
    "identifier": (identifier, "identifier", 1.0),
    "address_same": (address_same, "address", 0.95),
    "address_typo": (address_typo, "address", 0.9),
    "address_slip": (address_slip, "address", 0.75),
    "po_box": (po_box, "address", 0.9),
    "address_near": (address_near, "address", 0.8),
    "street_only": (street_only, "address", 0.65),
    "address_line": (address_line, "address", 0.65),
    "location": (location, "location", 0.8),
    "name": (name, "name", 1.1),
    "place": (place, "place", 0.1),
    "place_differs": (place_differs, "place", -0.3),
    "address_differs": (address_differs, "address", -0.26),
    "address_line_differs": (address_line_differs, "address", -0.5),
    "country_differs": (country_differs, "country", -0.73),
    "legal_form_differs": (legal_form_differs, "form", -0.4),
    "name_words_differ": (name_words_differ, "name", -0.6),
    "name_parents_swapped": (name_parents_swapped, "name", -0.6),
}

# Evidence that is an estimate: a match resting on these alone is reported as *possible*.
ESTIMATES = frozenset({"address_near", "street_only", "location"})
# Evidence that settles identity on its own.
CERTAIN = frozenset({"identifier", "address_same", "address_typo", "po_box"})


# The order features are worked out in when a pair is wanted only if it can reach a score:
# the costly ones (comparing address words, comparing names) last, so that a pair the cheap
# ones already rule out (another country, another legal form) never gets to them.
_COSTLIEST_LAST = (
    "identifier", "address_same", "address_typo", "address_slip", "po_box", "address_near", "street_only",
    "location", "place", "place_differs",
    "country_differs", "legal_form_differs", "name_parents_swapped", "address_line",
    "address_differs", "address_line_differs", "name", "name_words_differ",
)  # fmt: skip
# What both records of a pair must have for a feature to say anything: without it, the
# feature returns None (a test holds each to this), so it is not asked.
_IDS, _ADDRESS, _POINT, _COUNTRY = 1, 2, 4, 8
NEEDS: Mapping[str, int] = {
    "identifier": _IDS,
    "address_same": _ADDRESS,
    "address_typo": _ADDRESS,
    "address_slip": _ADDRESS,
    "po_box": _ADDRESS,
    "address_near": _ADDRESS,
    "street_only": _ADDRESS,
    "address_line": _ADDRESS,
    "address_differs": _ADDRESS,
    "address_line_differs": _ADDRESS,
    "place": _ADDRESS,
    "place_differs": _ADDRESS,
    "location": _POINT,
    "country_differs": _COUNTRY,
}


# Features of which one at most says anything about a pair: at the same house number, the
# street is the same, a typo away, or typing slips away (a test holds them to it).
ONE_OF: tuple[frozenset[str], ...] = (frozenset({"address_same", "address_typo", "address_slip"}),)


def _most(names: Sequence[str]) -> float:
    """The most these features can add together: each one-of group counts its best weight."""
    alone = [f for f in names if not any(f in group for group in ONE_OF)]
    total = sum(max(0.0, WEIGHTS[f][2]) for f in alone)
    for group in ONE_OF:
        total += max((max(0.0, WEIGHTS[f][2]) for f in names if f in group), default=0.0)
    return total


def _steps(have: int) -> tuple[tuple[float, str, FeatureFn, str, float], ...]:
    # Each feature the pair can feed, in that order, with the most it and the features after
    # it can still add.
    names = [f for f in _COSTLIEST_LAST if not NEEDS.get(f, 0) & ~have]
    return tuple((_most(names[i:]), f, *WEIGHTS[f]) for i, f in enumerate(names))


# By what both records have (the sum of the _IDS ... _COUNTRY they share).
_STEPS = tuple(_steps(have) for have in range(16))


def _shared(q: Record, e: Record) -> int:
    have = _IDS if q.identifiers and e.identifiers else 0
    if q.address is not None and e.address is not None:
        have |= _ADDRESS
    if q.has_point and e.has_point:
        have |= _POINT
    if q.country and e.country:
        have |= _COUNTRY
    return have


_RANK = {name: i for i, name in enumerate(WEIGHTS)}


def evaluate(q: Record, e: Record, ctx: Context) -> list[Feature]:
    """Every feature that has something to say about the pair."""
    found = evaluate_above(q, e, ctx, -math.inf)
    assert found is not None  # no total falls short of minus infinity
    return found


def evaluate_above(q: Record, e: Record, ctx: Context, floor: float) -> list[Feature] | None:
    """Every feature that has something to say about the pair, in WEIGHTS' order; or None as
    soon as their total cannot reach ``floor``."""
    out: list[tuple[int, Feature]] = []
    total = 0.0
    for still_possible, fname, fn, topic, weight in _STEPS[_shared(q, e)]:
        if total + still_possible < floor:
            return None
        result = fn(q, e, ctx)
        if result is not None:
            value, detail = result
            total += value * weight  # the feature's contribution
            out.append((_RANK[fname], Feature(fname, topic, value, weight, detail)))
    if total < floor:
        return None
    out.sort()  # by rank: no two features share one
    return [feature for _, feature in out]
