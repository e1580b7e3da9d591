"""An inverted index over a list's entries, and the word weights (IDF) features use.

Name keys are indexed by word, not by entry: a list of 50,000 names has a few thousand distinct
words, and only those get sound, prefix and one-letter-deletion keys. A derived key's entries
are the union of its words' entries, worked out on first use. The candidates are the same as
indexing every key of every entry; building the index costs a fraction.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from subtier.core.gcpause import bulk
from subtier.core.screen.features import Context
from subtier.core.screen.keys import (
    address_keys,
    cell,
    country_keys,
    identifier_keys,
    query_key_groups,
    token_keys,
)
from subtier.core.screen.record import Record

# A key shared by more entries than this carries no signal and is not looked up.
MAX_POSTING = 500
# Candidates whose shared keys weigh less than this are not worth scoring: one key shared with
# a hundred other entries weighs 0.22, with 500 others 0.16, one unique key 0.91.
MIN_CANDIDATE_WEIGHT = 0.15
# Candidate weights are compared at this many decimals, so that any engine adding the same
# weights in another order keeps the same candidates in the same order.
WEIGHT_DIGITS = 9
# An exact word counts fully; a shared sound skeleton or one-letter deletion a little less.
KIND_WEIGHT = {
    "n": 1.0,
    "j": 1.0,
    "p": 0.8,
    "d": 0.9,
    "f": 0.7,
    "a": 1.0,
    "s": 1.0,
    "h": 1.0,
    "b": 1.0,
    "i": 1.0,
    "g": 1.0,
    "c": 1.0,
}
# Kinds of keys that never find candidates, whatever their size: they only add their weight
# to candidates found otherwise, as a key too common to look up does.
ONLY_ADDS = frozenset("c")
# Kinds of keys that add their weight to candidates found otherwise when too common to look up.
ADDS_WHEN_COMMON = frozenset("nc")
# Postings and word groups remembered between queries; a long run forgets them wholesale past
# this many.
_GROUP_CACHE = 200_000

# Postings this short in all are merged in Python: numpy's cost per call is more than the work.
_SMALL = 64

Positions = npt.NDArray[np.int32]
Weights = npt.NDArray[np.float64]
_NONE: Positions = np.empty(0, dtype=np.int32)


def key_weight(kind: str, size: int) -> float:
    """What sharing a key of this kind, held by ``size`` entries, adds to a candidate."""
    return KIND_WEIGHT[kind] / math.log(2 + size)


def list_context(entries: Sequence[Record]) -> Context:
    """Word weights for a list: a word's IDF is log(1 + entries / entries having the word)."""
    return _context(_word_counts(entries), len(entries))


def _word_counts(entries: Iterable[Record]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for record in entries:
        counts.update({t for n in record.names for t in n.tokens})
    return counts


def _context(counts: Mapping[str, int], entries: int) -> Context:
    total = max(entries, 1)
    idf = {w: math.log(1 + total / c) for w, c in counts.items()}
    return Context(idf=idf, default_idf=math.log(1 + total))


def core_words(record: Record) -> set[str]:
    """The words of a record's names that are not legal forms: what name keys are made of."""
    return {t for n in record.names for t in n.tokens if t not in n.forms}


def record_keys(record: Record) -> set[str]:
    """Keys indexed per entry, not per word: whole joined name, address, identifiers, grid cell."""
    keys: set[str] = set()
    for norm in record.names:
        core = [t for t in norm.tokens if t not in norm.forms]
        if core:
            keys.add(f"j:{''.join(core)}")
    return _with_place_keys(keys, record)


def _with_place_keys(keys: set[str], record: Record) -> set[str]:
    keys.update(address_keys(record))
    keys.update(identifier_keys(record))
    keys.update(country_keys(record))
    if record.latitude is not None and record.longitude is not None:
        row, col = cell(record.latitude, record.longitude)
        keys.add(f"g:{row}:{col}")
    return keys


Postings = dict[str, "int | array[int]"]
Derived = dict[str, str | list[str]]


@dataclass(frozen=True, slots=True)
class IndexPart:
    """What a run of consecutive entries adds to an index: built apart (in another process,
    for a big list) and merged in list order, it gives the index built in one go."""

    words: Postings  # core name word → entry positions
    postings: Postings  # per-entry key → entry positions
    counts: Counter[str]  # word → entries having it


def index_part(entries: Sequence[Record], offset: int = 0) -> IndexPart:
    """The part of an index made by ``entries``, the first of them at position ``offset``."""
    words: Postings = {}
    postings: Postings = {}
    counts: Counter[str] = Counter()
    for position, record in enumerate(entries, offset):
        names = record.names
        if len(names) == 1:  # most entries: core_words, record_keys and counts in one pass
            norm = names[0]
            tokens, forms = norm.tokens, norm.forms
            core = [t for t in tokens if t not in forms] if forms else tokens
            counts.update(set(tokens))
            for word in set(core):
                _add(words, word, position)
            keys = _with_place_keys({f"j:{''.join(core)}"} if core else set(), record)
        else:
            counts.update({t for n in names for t in n.tokens})
            for word in core_words(record):
                _add(words, word, position)
            keys = record_keys(record)
        for key in keys:
            _add(postings, key, position)
    return IndexPart(words, postings, counts)


def _merge(into: Postings, later: Postings) -> None:
    # ``later`` holds later positions: appending them keeps every posting in list order.
    for key, found in later.items():
        known = into.get(key)
        if known is None:
            into[key] = found
            continue
        merged = array("i", (known,)) if isinstance(known, int) else known
        if isinstance(found, int):
            merged.append(found)
        else:
            merged.extend(found)
        into[key] = merged


def _add(postings: Postings, key: str, position: int) -> None:
    # Most keys belong to one entry: those map to its position itself, the rest to an array.
    # A million-entry list would spend a gigabyte on one-element lists otherwise.
    found = postings.get(key)
    if found is None:
        postings[key] = position
    elif isinstance(found, int):
        postings[key] = array("i", (found, position))
    else:
        found.append(position)


class Index:
    """Maps candidate keys to entries; ranks candidates by the rarity of the keys they share."""

    def __init__(self, entries: Sequence[Record], parts: Sequence[IndexPart] = ()) -> None:
        """The index of ``entries``; ``parts``, if given, are its parts built already, in
        list order, covering every entry (see ``index_part``). The parts are merged into the
        first, in place: they are not to be used again."""
        self.entries = entries
        with bulk():  # every key and posting lives as long as the index
            self._build(parts or (index_part(entries),))

    def _build(self, parts: Sequence[IndexPart]) -> None:
        first, *rest = parts
        words, postings, counts = first.words, first.postings, first.counts
        for part in rest:
            _merge(words, part.words)
            _merge(postings, part.postings)
            counts.update(part.counts)
        # Each derived key (sound, prefix, deletion) → the word that has it, or the words when
        # several do. Most have one: a million-entry list has millions of these keys, and a
        # list apiece would cost half a gigabyte.
        derived: Derived = {}
        for word in words:
            for key in set(token_keys(word)):
                if key[0] != "n":
                    known = derived.get(key)
                    if known is None:
                        derived[key] = word
                    elif isinstance(known, str):
                        derived[key] = [known, word]
                    else:
                        known.append(word)
        self.words = words
        self.derived = derived
        self.postings = postings
        self.context = _context(counts, len(self.entries))
        self._arrays: dict[str, Positions] = {}
        self._groups: dict[str, tuple[Positions, Weights, list[tuple[Positions, float]]]] = {}

    @classmethod
    def restore(
        cls,
        entries: Sequence[Record],
        words: dict[str, int | array[int]],
        derived: Derived,
        postings: dict[str, int | array[int]],
        context: Context,
    ) -> Index:
        """An index as it was built before (see screen.packed), without building it again."""
        index = cls.__new__(cls)
        index.entries = entries
        index.words = words
        index.derived = derived
        index.postings = postings
        index.context = context
        index._arrays = {}
        index._groups = {}
        return index

    def posting(self, key: str) -> Positions:
        """The entries having a key, in list order."""
        found = self._arrays.get(key)
        if found is not None:
            return found
        kind, rest = key[0], key[2:]
        if kind == "n":
            found = _as_array(self.words.get(rest))
        elif kind in "pfd":
            owners = self.derived.get(key)
            if owners is None:
                found = _NONE
            elif isinstance(owners, str):
                found = self.posting(f"n:{owners}")
            else:
                parts = [self.posting(f"n:{w}") for w in owners]
                if sum(len(p) for p in parts) <= _SMALL:
                    union = sorted({p for part in parts for p in part.tolist()})
                    found = np.array(union, dtype=np.int32)
                else:
                    found = np.unique(np.concatenate(parts))
        else:
            found = _as_array(self.postings.get(key))
        if len(self._arrays) > _GROUP_CACHE:
            self._arrays.clear()
        self._arrays[key] = found
        return found

    def _group(
        self, group: Sequence[str]
    ) -> tuple[Positions, Weights, list[tuple[Positions, float]]]:
        """One key group's entries with the weight of the rarest key each shares, and the
        common keys (too many entries to look up) that add their weight to candidates."""
        cacheable = group[0][0] == "n"
        if cacheable:
            known = self._groups.get(group[0])
            if known is not None:
                return known
        # By the posting itself: a word of the list reaches its own entries under most of its
        # keys (its deletions, its sound), and they count once, at the heaviest weight.
        heaviest: dict[int, tuple[Positions, float]] = {}
        common: list[tuple[Positions, float]] = []
        arrays, derived = self._arrays, self.derived
        for key in dict.fromkeys(group):
            posting = arrays.get(key)
            if posting is None:
                # Most of a word's sound, prefix and deletion keys belong to no word of the
                # list: passed over here, they cost a lookup each.
                if key[0] in "pfd" and key not in derived:
                    continue
                posting = self.posting(key)
            size = len(posting)
            if not size:
                continue
            weight = key_weight(key[0], size)
            if size > MAX_POSTING or key[0] in ONLY_ADDS:
                if key[0] in ADDS_WHEN_COMMON:
                    common.append((posting, weight))
                continue
            kept = heaviest.get(id(posting))
            if kept is None or weight > kept[1]:
                heaviest[id(posting)] = (posting, weight)
        found = list(heaviest.values())
        if not found:
            result = (_NONE, np.empty(0), common)
        elif len(found) == 1:
            posting, weight = found[0]
            result = (posting, np.full(len(posting), weight), common)
        elif sum(len(p) for p, _ in found) <= _SMALL:
            positions, weights = _heaviest(found)
            result = (positions, weights, common)
        else:
            positions = np.concatenate([p for p, _ in found])
            weights = np.concatenate([np.full(len(p), w) for p, w in found])
            order = np.lexsort((-weights, positions))
            positions, weights = positions[order], weights[order]
            first = np.ones(len(positions), dtype=bool)
            first[1:] = positions[1:] != positions[:-1]
            result = (positions[first], weights[first], common)
        if cacheable:
            if len(self._groups) > _GROUP_CACHE:
                self._groups.clear()
            self._groups[group[0]] = result
        return result

    def candidates(self, query: Record, limit: int = 50) -> list[int]:
        """Entry positions sharing keys with the query, best first.

        Each group of keys (one name word with its variants, one address, ...) adds the weight
        of its rarest key an entry shares: 1 / log(2 + entries under the key). Name words shared
        by more than MAX_POSTING entries find no candidates, but still add their weight to the
        candidates found otherwise, so "Equinox Food Processing" ranks above "Equinox Mining";
        so does the country, which never finds candidates itself: of two entries named alike,
        the one in the query's country ranks first.
        """
        return self.candidates_many((query,), limit)[0]

    def candidates_many(self, queries: Sequence[Record], limit: int = 50) -> list[list[int]]:
        """``candidates`` for each query, worked out for all of them at once: a query shares
        keys with a hundred entries or so, too few for numpy to pay per query."""
        positions: list[Positions] = []
        weights: list[Weights] = []
        owners: list[int] = []  # the query each array of positions belongs to
        # The common keys of each query, in the order of its groups: (members, weight).
        common: list[list[tuple[Positions, float]]] = [[] for _ in queries]
        for number, query in enumerate(queries):
            for group in query_key_groups(query):
                found, found_weights, group_common = self._group(group)
                if len(found):
                    positions.append(found)
                    weights.append(found_weights)
                    owners.append(number)
                common[number].extend(group_common)
        if not positions:
            return [[] for _ in queries]
        width = np.int64(max(len(self.entries), 1))
        sizes = np.fromiter((len(p) for p in positions), dtype=np.int64, count=len(positions))
        pairs = np.repeat(np.asarray(owners, dtype=np.int64), sizes) * width
        pairs += np.concatenate(positions)
        # One bin per (query, entry), summed group by group in the order of the groups.
        keyed, inverse = np.unique(pairs, return_inverse=True)
        scores = np.bincount(inverse, weights=np.concatenate(weights)).astype(np.float64)
        owner = keyed // width
        found_at = keyed % width
        _add_common(scores, owner, found_at, common, width)
        rounded = np.round(scores, WEIGHT_DIGITS)
        keep = rounded >= MIN_CANDIDATE_WEIGHT
        owner, found_at = owner[keep], found_at[keep]
        # Best first within each query; ties by list position, the order the rows are in
        # already, which a stable sort keeps. Rounded weights are whole numbers of 1e-9.
        units = np.rint(scores[keep] * 10.0**WEIGHT_DIGITS).astype(np.int64)
        most = int(units.max()) + 1 if len(units) else 1
        order = np.argsort(owner * most + (most - units), kind="stable")
        owner, found_at = owner[order], found_at[order]
        starts = np.searchsorted(owner, np.arange(len(queries) + 1))
        rank = np.arange(len(owner)) - starts[owner]
        chosen = rank < limit
        owner, found_at = owner[chosen], found_at[chosen]
        ends = np.searchsorted(owner, np.arange(len(queries) + 1)).tolist()
        flat = found_at.tolist()
        return [flat[ends[i] : ends[i + 1]] for i in range(len(queries))]


def _add_common(
    scores: Weights,
    owner: npt.NDArray[np.int64],
    found_at: npt.NDArray[np.int64],
    common: Sequence[Sequence[tuple[Positions, float]]],
    width: np.int64,
) -> None:
    """Add each query's common keys' weights to its candidates having them, key by key in
    the order of the query's groups (so each score is added up as one query at a time would)."""
    counts = np.fromiter((len(c) for c in common), dtype=np.int64, count=len(common))
    deepest = int(counts.max()) if len(counts) else 0
    if not deepest:
        return
    local: dict[int, int] = {}
    members: list[Positions] = []
    kinds = np.full((len(common), deepest), -1, dtype=np.int64)
    added = np.zeros((len(common), deepest), dtype=np.float64)
    for number, keys in enumerate(common):
        for depth, (posting, weight) in enumerate(keys):
            kind = local.setdefault(id(posting), len(members))
            if kind == len(members):
                members.append(posting)
            kinds[number, depth] = kind
            added[number, depth] = weight
    # Every common key's members in one sorted array: key number * width + position.
    table = np.concatenate([k * width + m.astype(np.int64) for k, m in enumerate(members)])
    reach = counts[owner]
    for depth in range(deepest):
        rows = np.flatnonzero(reach > depth)
        wanted = kinds[owner[rows], depth] * width + found_at[rows]
        at = np.searchsorted(table, wanted)
        at[at == len(table)] = 0
        hit = rows[table[at] == wanted]
        scores[hit] += added[owner[hit], depth]


def _heaviest(found: Sequence[tuple[Positions, float]]) -> tuple[Positions, Weights]:
    """The positions of a few postings, in order, each with the heaviest weight it has."""
    best: dict[int, float] = {}
    for posting, weight in found:
        for position in posting.tolist():
            if weight > best.get(position, -1.0):
                best[position] = weight
    order = sorted(best)
    return np.array(order, dtype=np.int32), np.array([best[p] for p in order])


def _as_array(found: int | array[int] | None) -> Positions:
    if found is None:
        return _NONE
    if isinstance(found, int):
        return np.array((found,), dtype=np.int32)
    return np.frombuffer(found, dtype=np.int32)
