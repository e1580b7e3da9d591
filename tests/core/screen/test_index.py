"""The index finds exactly the candidates that indexing every key of every entry would."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

from subtier.core.screen import Record, RiskList, make_record
from subtier.core.screen.index import (
    ADDS_WHEN_COMMON,
    MAX_POSTING,
    MIN_CANDIDATE_WEIGHT,
    ONLY_ADDS,
    WEIGHT_DIGITS,
    Index,
    key_weight,
)
from subtier.core.screen.keys import entry_keys, query_key_groups


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
            if len(found) > MAX_POSTING or key[0] in ONLY_ADDS:
                if key[0] in ADDS_WHEN_COMMON:
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


def test_an_index_part_holds_each_entrys_words_keys_and_counts(facility_list: RiskList) -> None:
    """index_part's one-pass build for single-name entries agrees with the definitions
    (core_words, record_keys, word counts), for entries with aliases, legal forms, no core
    words, identifiers and points too."""
    from collections import Counter

    from subtier.core.screen.index import core_words, index_part, record_keys

    entries = [
        *facility_list.records[:300],
        make_record("a", "Romashka LLC", aliases=["OOO Romashka"], identifiers={"inn": "77"}),
        make_record("b", "LLC", address="1 Main St, Taft, OK 74463"),
        make_record("c", "Acme Holdings Ltd", latitude=35.7, longitude=-95.5, country="gb"),
    ]
    part = index_part(entries, offset=7)
    words: dict[str, list[int]] = {}
    keys: dict[str, list[int]] = {}
    counts: Counter[str] = Counter()
    for position, record in enumerate(entries, 7):
        for word in core_words(record):
            words.setdefault(word, []).append(position)
        for key in record_keys(record):
            keys.setdefault(key, []).append(position)
        counts.update({t for n in record.names for t in n.tokens})

    def plain(table: dict[str, Any]) -> dict[str, list[int]]:
        return {k: [v] if isinstance(v, int) else list(v) for k, v in table.items()}

    assert plain(part.words) == words
    assert plain(part.postings) == keys
    assert part.counts == counts
    assert "i:inn:77" in keys
    assert any(k.startswith("g:") for k in keys)


def test_the_country_only_adds_weight_to_candidates_found_otherwise() -> None:
    """Of entries named alike, the one in the query's country ranks first; sharing a country
    alone finds no candidate, however few entries the country has."""
    names = ["Mirfelfur Machinery Co., Ltd.", "Mirfelfur Machinery LLC", "Mirfelfur Mining"]
    entries = [
        make_record(f"e{i}", n, country=c)
        for i, (n, c) in enumerate(zip(names, "abd", strict=True))
    ]
    entries += [make_record(f"x{i}", f"Other{i} Steel", country="cn") for i in range(600)]
    entries.append(make_record("cn", "Mirfelfur Machinery JSC", country="cn"))
    entries.append(make_record("rare", "Zolcunkun Tomato", country="gt"))
    index = Index(entries)
    query = make_record("q", "Mirfelfur Machineriy", country="cn")
    first = index.candidates(query, 5)[0]
    assert entries[first].id == "cn"
    # Without the country, list order breaks the tie between the two.
    assert entries[index.candidates(make_record("q", "Mirfelfur Machinery"), 5)[0]].id == "e0"
    assert index.candidates(make_record("q", "Unrelated Words", country="gt"), 5) == []
    postings = _postings(entries)
    for q in (query, make_record("q", "Other3 Steel", country="cn")):
        assert index.candidates(q, 50) == _reference(postings, q, 50)
