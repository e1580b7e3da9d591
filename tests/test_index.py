"""The index finds exactly the candidates that indexing every key of every entry would."""

from __future__ import annotations

import random
from collections import defaultdict

from subtier.screen import Record, RiskList, make_record
from subtier.screen.index import (
    MAX_POSTING,
    MIN_CANDIDATE_WEIGHT,
    WEIGHT_DIGITS,
    Index,
    key_weight,
)
from subtier.screen.keys import entry_keys, query_key_groups


def _postings(entries: list[Record]) -> dict[str, set[int]]:
    """Every key of every entry in one inverted index: the plain way."""
    postings: dict[str, set[int]] = defaultdict(set)
    for position, entry in enumerate(entries):
        for key in entry_keys(entry):
            postings[key].add(position)
    return postings


def _reference(postings: dict[str, set[int]], query: Record, limit: int) -> list[int]:
    scores: dict[int, float] = {}
    common: list[tuple[set[int], float]] = []
    for group in query_key_groups(query):
        best: dict[int, float] = {}
        for key in group:
            found = postings.get(key)
            if not found:
                continue
            weight = key_weight(key[0], len(found))
            if len(found) > MAX_POSTING:
                if key[0] == "n":
                    common.append((found, weight))
                continue
            for position in found:
                best[position] = max(best.get(position, 0.0), weight)
        for position, weight in best.items():
            scores[position] = scores.get(position, 0.0) + weight
    for members, weight in common:
        for position in scores.keys() & members:
            scores[position] += weight
    rounded = {p: round(w, WEIGHT_DIGITS) for p, w in scores.items()}
    kept = [p for p, w in rounded.items() if w >= MIN_CANDIDATE_WEIGHT]
    kept.sort(key=lambda p: (-rounded[p], p))  # ties: the earlier entry in the list
    return kept[:limit]


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    i = rng.randrange(len(words))
    word = words[i]
    if len(word) > 3:
        j = rng.randrange(len(word))
        word = word[:j] + word[j + 1 :] if rng.random() < 0.5 else word[:j] + "x" + word[j:]
    words[i] = word
    return " ".join(words)


def test_candidates_match_a_key_per_entry_index(facility_list: RiskList) -> None:
    entries = list(facility_list.records)
    index = Index(entries)
    rng = random.Random(7)
    queries = []
    for entry in rng.sample(entries, 150):
        address = entry.address.describe() if entry.address and rng.random() < 0.5 else None
        queries.append(make_record("q", _typo(entry.name, rng), address=address))
    # Words common to hundreds of facilities ("county", "jail") take the common-key path.
    queries += [make_record("q", n) for n in ("County Jail", "State Prison Camp", "Jail")]
    compared = 0
    postings = _postings(entries)
    for query in queries:
        expected = _reference(postings, query, 50)
        assert index.candidates(query, 50) == expected, query.name
        compared += bool(expected)
    assert compared > 140


def test_candidates_for_many_queries_at_once_are_each_querys_own(facility_list: RiskList) -> None:
    entries = list(facility_list.records)
    index = Index(entries)
    rng = random.Random(11)
    queries = [make_record("q", _typo(e.name, rng)) for e in rng.sample(entries, 60)]
    # No keys at all, only common words, and a repeat: each keeps its own candidates.
    queries += [make_record("q", "x"), make_record("q", "County Jail"), queries[0]]
    rng.shuffle(queries)
    postings = _postings(entries)
    for limit in (1, 5, 50):
        found = index.candidates_many(queries, limit)
        assert found == [_reference(postings, q, limit) for q in queries]
    assert index.candidates_many([], 5) == []
