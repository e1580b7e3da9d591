"""Correctional-industries programs: is an organization of the chain one of them?

A program sells the work of incarcerated people (Oklahoma Correctional Industries, UNICOR,
CALPIA, PEN Products ...). The chain seldom says "prison"; it names the program, often by an
acronym. Acronyms are shared with ordinary companies (ACI Worldwide, PCI Pharma Services), so a
name that is only a program's short form counts as certain only where the organization is in
the program's state; alone it is weak evidence, and a short form that is just one word of a
longer name ("ACI Worldwide") is no evidence at all.

Each signal is a small named function whose docstring is the text users read (docs/screening.md
carries them). Candidates come from the same index as every other list; the list is small
enough that matching costs nothing beside screening sites.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from rapidfuzz.distance import Levenshtein

from subtier.core.immutable import immutable
from subtier.core.normalize.names import NormName, normalize_name
from subtier.core.normalize.places import us_state
from subtier.core.screen.engine import SCORED, ListInfo, RiskList
from subtier.core.screen.features import Context, Feature
from subtier.core.screen.index import Index, list_context
from subtier.core.screen.kinds import ListKind
from subtier.core.screen.match import Match, Strength
from subtier.core.screen.names import name_similarity
from subtier.core.screen.record import Record, make_record

KIND = ListKind.CORRECTIONAL_INDUSTRIES
# Words every program's name is made of: a name of only these ("Correctional Industries")
# says what an organization is, not which program it is.
GENERIC_WORDS = frozenset(
    [
        "correctional",
        "correction",
        "corrections",
        "prison",
        "prisoner",
        "prisons",
        "penal",
        "industries",
        "industry",
        "enterprises",
        "enterprise",
        "division",
        "department",
        "of",
        "the",
        "program",
        "programs",
        "state",
        "use",
        "bureau",
        "products",
        "services",
        "inc",
        "incorporated",
        "authority",
        "doc",
        "industrial",
        "and",
        "employment",
    ]
)
# A short form: one word of at most this many letters ("ACI", "PRIDE"), or initials.
SHORT_FORM_LETTERS = 5
# Name similarity (IDF-weighted, legal forms aside) at which a name is the program's: a typo or
# a plural ("Oklahoma Correctional Industry", 0.86), and a weaker band reported as possible.
SIMILAR = 0.85
SIMILAR_POSSIBLE = 0.75
# A distinctive word ("oklahoma", "minncor") written with a typo: one edit in five letters.
TYPO_SIMILARITY = 0.8


@immutable(hashable=True)
class Program:
    """One program of the list, with the names it goes by sorted by how much they say."""

    id: str
    name: str
    state: str | None  # two-letter code, lower case
    federal: bool  # works in every state (UNICOR)
    names: tuple[NormName, ...]  # full names and distinctive aliases
    generic: tuple[NormName, ...]  # names made only of GENERIC_WORDS
    short: frozenset[str]  # acronyms and initials, lower case, without spaces


def is_short_form(name: NormName) -> bool:
    """One word of at most five letters, or a run of initials ("A.C.I.")."""
    tokens = name.tokens
    if len(tokens) == 1:
        return len(tokens[0]) <= SHORT_FORM_LETTERS and tokens[0].isalpha()
    return len(tokens) > 1 and all(len(t) == 1 for t in tokens)


def is_generic(name: NormName) -> bool:
    """Made only of words every program's name has ("Correctional Industries")."""
    return bool(name.tokens) and all(t in GENERIC_WORDS for t in name.tokens)


def _strip_state(tokens: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    """A leading state name or code and the words after it ("oklahoma ci" → ok, ("ci",))."""
    for width in (2, 1):
        if len(tokens) > width:
            state = us_state(" ".join(tokens[:width]))
            if state is not None:
                return state, tuple(tokens[width:])
    return None, tuple(tokens)


def _initials(name: NormName, state: str | None) -> str | None:
    # "Oklahoma Correctional Industries" → "ci": a program is also written as its state and
    # the initials of the rest ("Oklahoma CI", "OK CI").
    found, rest = _strip_state(name.tokens)
    if found is None or found != state or len(rest) < 2:
        return None
    return "".join(t[0] for t in rest)


def make_program(
    id: str, name: str, aliases: Sequence[str], state: str | None, federal: bool
) -> Program:
    """A program from its list row: its names sorted into full, generic and short forms."""
    code = us_state(state) if state else None
    full: list[NormName] = []
    generic: list[NormName] = []
    short: set[str] = set()
    for text in (name, *aliases):
        norm = normalize_name(text)
        if not norm.tokens:
            continue
        if is_short_form(norm):
            short.add("".join(norm.tokens))
            continue
        (generic if is_generic(norm) else full).append(norm)
        initials = _initials(norm, code)
        if initials:
            short.add(initials)
    return Program(
        id, name, code, federal, tuple(dict.fromkeys(full)), tuple(generic), frozenset(short)
    )


@dataclass(frozen=True)
class ProgramList:
    """The programs, and the index their names are found by."""

    info: ListInfo
    records: tuple[Record, ...]  # one per program, its names and state, for the index
    programs: tuple[Program, ...]  # in the same order

    @cached_property
    def risk_list(self) -> RiskList:
        return RiskList(self.info, self.records)

    @cached_property
    def context(self) -> Context:
        """Word weights over the programs' full names: "industries" weighs little."""
        return list_context(self.records)

    @cached_property
    def finder(self) -> Index:
        """Candidates by the words that tell programs apart ("oklahoma", "unicor", "rider"),
        typos included: a name made of words every program shares finds none, so the many
        "... Industries" of a roster cost nothing."""
        keyed = []
        for position, program in enumerate(self.programs):
            words = [" ".join(_distinct(n)) for n in program.names]
            names = [w for w in dict.fromkeys(words) if w]
            keyed.append(
                make_record(str(position), names[0], aliases=names[1:])
                if names
                else make_record(str(position), "")
            )
        return Index(keyed)

    @cached_property
    def by_generic(self) -> Mapping[str, tuple[int, ...]]:
        out: dict[str, list[int]] = {}
        for position, program in enumerate(self.programs):
            for name in program.generic:
                out.setdefault(name.core, []).append(position)
        return {core: tuple(found) for core, found in out.items()}

    @cached_property
    def by_short_form(self) -> Mapping[str, tuple[int, ...]]:
        out: dict[str, list[int]] = {}
        for position, program in enumerate(self.programs):
            for form in program.short:
                out.setdefault(form, []).append(position)
        return {form: tuple(found) for form, found in out.items()}


@immutable()
class Query:
    """What an organization gives to be matched: its names and its state."""

    names: tuple[NormName, ...]
    state: str | None


Signal = Callable[[Query, Program, Context], tuple[float, str] | None]


# The last pair whose full names were compared: program_name_similar asks again.
_last_full: tuple[Query, Program, tuple[float, str]] | None = None


def _best_full(query: Query, program: Program, ctx: Context) -> tuple[float, str]:
    global _last_full
    last = _last_full
    if last is not None and last[0] is query and last[1] is program:
        return last[2]
    found = _compare_full(query, program, ctx)
    _last_full = (query, program, found)
    return found


def _compare_full(query: Query, program: Program, ctx: Context) -> tuple[float, str]:
    best, which = 0.0, ""
    for qn in query.names:
        if is_generic(qn) or is_short_form(qn):
            continue  # says what it is, or is too short to say which: the signals below
        for pn in program.names:
            if qn.core == pn.core:
                return 1.0, pn.core
            # The words that say which program it is must agree too: "Monsexgur Industrial"
            # is not "MINNCOR Industries", however alike "industrial" and "industries" are.
            if not _distinct_agree(qn, pn):
                continue
            sim = name_similarity(qn, pn, ctx.idf, ctx.default_idf)
            if sim > best:
                best, which = sim, pn.core
    return best, which


def _distinct(name: NormName) -> tuple[str, ...]:
    return tuple(t for t in name.tokens if t not in GENERIC_WORDS and t not in name.forms)


def _word_agrees(a: str, b: str) -> bool:
    # Spelling, not sound: name similarity lets "monsexgur" meet "minncor" by their consonants.
    if a == b or (min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))):
        return True
    return Levenshtein.normalized_similarity(a, b) >= TYPO_SIMILARITY


def _distinct_agree(query: NormName, program: NormName) -> bool:
    """Every distinctive word of the shorter side is spelled (nearly) as one of the other's."""
    a, b = _distinct(query), _distinct(program)
    if not a or not b:
        return not a and not b
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return all(any(_word_agrees(w, v) for v in long) for w in short)


def program_name(query: Query, program: Program, ctx: Context) -> tuple[float, str] | None:
    """The organization's name, or one of its aliases, is the program's name or another name it
    goes by, legal forms aside."""
    best, which = _best_full(query, program, ctx)
    return (1.0, f"same as {which!r}") if best >= 0.999 else None


def program_name_similar(query: Query, program: Program, ctx: Context) -> tuple[float, str] | None:
    """The name is close to one of the program's names (a typo, a plural, an abbreviated word);
    words every program shares ("correctional", "industries") count for little."""
    best, which = _best_full(query, program, ctx)
    if best >= 0.999 or best < SIMILAR_POSSIBLE:
        return None
    return best, f"similar to {which!r} ({best:.2f})"


def program_generic_name(query: Query, program: Program, ctx: Context) -> tuple[float, str] | None:
    """The name says only what the organization is ("Correctional Industries"), which program
    it is follows from its state."""
    generic = {g.core for g in program.generic}
    for qn in query.names:
        if qn.core in generic:
            return 1.0, f"generic name {qn.text!r}"
    return None


def program_short_form(query: Query, program: Program, ctx: Context) -> tuple[float, str] | None:
    """The whole name is the program's acronym or initials ("OCI", "A.C.I."); one word of a
    longer name ("ACI Worldwide") is not."""
    for qn in query.names:
        if is_short_form(qn) and "".join(qn.tokens) in program.short:
            return 1.0, f"{''.join(qn.tokens).upper()} is its short form"
    return None


def program_state_and_short_form(
    query: Query, program: Program, ctx: Context
) -> tuple[float, str] | None:
    """The name is the program's state and its short form ("Oklahoma CI", "OK OCI")."""
    for qn in query.names:
        found, rest = _strip_state(qn.tokens)
        if found is not None and found == program.state and "".join(rest) in program.short:
            return 1.0, f"{qn.text.upper()} is its state and short form"
    return None


def program_state(query: Query, program: Program, ctx: Context) -> tuple[float, str] | None:
    """The organization is in the program's state, or the program is federal."""
    if program.federal:
        return 1.0, "a federal program, in every state"
    if query.state and query.state == program.state:
        return 1.0, f"same state {query.state.upper()}"
    return None


def program_state_differs(query: Query, program: Program, ctx: Context) -> tuple[float, str] | None:
    """Both give a state, and they differ."""
    if program.federal or not query.state or not program.state:
        return None
    if query.state != program.state:
        return 1.0, f"{query.state.upper()} vs {program.state.upper()}"
    return None


# name → (function, topic). The score is the name evidence's: 1 for the program's own name,
# 0.95 for its state and short form, the similarity for a close name, 0.9 for a short form or
# a generic name in the right state, 0.6 for one without a state to confirm it (weak evidence).
SIGNALS: Mapping[str, tuple[Signal, str]] = {
    "program_name": (program_name, "name"),
    "program_name_similar": (program_name_similar, "name"),
    "program_generic_name": (program_generic_name, "name"),
    "program_short_form": (program_short_form, "name"),
    "program_state_and_short_form": (program_state_and_short_form, "name"),
    "program_state": (program_state, "place"),
    "program_state_differs": (program_state_differs, "place"),
}
# Below this, a program match is weak evidence: a short form or a generic name with no state.
WEAK = 0.7


def _verdict(found: Mapping[str, tuple[float, str]]) -> tuple[float, Strength] | None:
    in_state = "program_state" in found
    elsewhere = "program_state_differs" in found
    if "program_name" in found:
        return 1.0, Strength.POSSIBLE if elsewhere else Strength.MATCH
    if "program_state_and_short_form" in found:
        return 0.95, Strength.MATCH
    if "program_name_similar" in found:
        score = round(found["program_name_similar"][0], 4)
        certain = score >= SIMILAR and not elsewhere
        return score, Strength.MATCH if certain else Strength.POSSIBLE
    if "program_short_form" in found or "program_generic_name" in found:
        if elsewhere:
            return None
        return (0.9, Strength.MATCH) if in_state else (0.6, Strength.POSSIBLE)
    return None


def match_program(query: Query, program: Program, plist: ProgramList, ctx: Context) -> Match | None:
    """The match of an organization to one program, or None when nothing says it is one."""
    found: dict[str, tuple[float, str]] = {}
    features = []
    for fname, (fn, topic) in SIGNALS.items():
        result = fn(query, program, ctx)
        if result is not None:
            found[fname] = result
            features.append(Feature(fname, topic, result[0], 1.0, result[1]))
    verdict = _verdict(found)
    if verdict is None:
        return None
    score, strength = verdict
    return Match(
        subject_id="",
        list_name=plist.info.name,
        list_version=plist.info.version,
        entry_id=program.id,
        entry_name=program.name,
        score=score,
        strength=strength,
        features=tuple(features),
    )


def query_of(record: Record) -> Query:
    state = record.address.state if record.address is not None else None
    return Query(record.names, state)


def screen_programs(records: Sequence[Record], plist: ProgramList) -> list[Match | None]:
    """The best program match of each record (an organization), or None."""
    ctx = plist.context
    found = plist.finder.candidates_many(records, SCORED)
    out: list[Match | None] = []
    for record, positions in zip(records, found, strict=True):
        query = query_of(record)
        candidates = dict.fromkeys(int(p) for p in positions)
        for qn in query.names:
            candidates.update(dict.fromkeys(plist.by_generic.get(qn.core, ())))
            # Short forms are found by their letters, whatever the index makes of "a c i".
            candidates.update(dict.fromkeys(plist.by_short_form.get("".join(qn.tokens), ())))
            _state, rest = _strip_state(qn.tokens)
            candidates.update(dict.fromkeys(plist.by_short_form.get("".join(rest), ())))
        best: Match | None = None
        for position in candidates:
            match = match_program(query, plist.programs[position], plist, ctx)
            if match is not None and (best is None or _rank(match) < _rank(best)):
                best = match
        out.append(None if best is None else replace(best, subject_id=record.id))
    return out


def _rank(match: Match) -> tuple[bool, float, str]:
    return (match.strength is not Strength.MATCH, -match.score, match.entry_id)
