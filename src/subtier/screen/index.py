"""An inverted index over a list's entries, and the word weights (IDF) features use."""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Sequence

from subtier.screen.features import Context
from subtier.screen.keys import entry_keys, query_key_groups
from subtier.screen.record import Record

# A key shared by more entries than this carries no signal and is not looked up.
MAX_POSTING = 500
# Candidates whose shared keys weigh less than this are not worth scoring: one key shared with
# a hundred other entries weighs 0.22, with 500 others 0.16, one unique key 0.91.
MIN_CANDIDATE_WEIGHT = 0.15
# Candidate weights are compared at this many decimals (see rank_candidates).
WEIGHT_DIGITS = 9
# An exact word counts fully; a shared sound skeleton or one-letter deletion a little less.
_KIND_WEIGHT = {"n": 1.0, "j": 1.0, "p": 0.8, "d": 0.9, "f": 0.7, "a": 1.0, "s": 1.0, "i": 1.0, "g": 1.0}


def word_context(entries_with_word: Counter[str], entries: int) -> Context:
    """Word weights for a list: a word's IDF is log(1 + entries / entries having the word)."""
    total = max(entries, 1)
    idf = {w: math.log(1 + total / c) for w, c in entries_with_word.items()}
    return Context(idf=idf, default_idf=math.log(1 + total))


class Index:
    """Maps candidate keys to entries; ranks candidates by the rarity of the keys they share."""

    def __init__(self, entries: Sequence[Record]) -> None:
        self.entries = entries
        # Most keys (a word with one letter deleted) belong to one entry only: those map to the
        # entry's position itself, the rest to an array of positions. A million-entry list
        # would spend a gigabyte on one-element lists otherwise.
        postings: dict[str, int | array[int]] = {}
        words: Counter[str] = Counter()
        for position, record in enumerate(entries):
            for key in entry_keys(record):
                found = postings.get(key)
                if found is None:
                    postings[key] = position
                elif isinstance(found, int):
                    postings[key] = array("i", (found, position))
                else:
                    found.append(position)
            words.update({t for n in record.names for t in n.tokens})
        self.postings = postings
        self._common: dict[str, frozenset[int]] = {}
        self.context = word_context(words, len(entries))

    def _members(self, key: str, posting: Sequence[int]) -> frozenset[int]:
        """The entries under a common key, as a set (made on first use, then kept)."""
        members = self._common.get(key)
        if members is None:
            members = self._common[key] = frozenset(posting)
        return members

    def candidates(self, query: Record, limit: int = 50) -> list[int]:
        """Entry positions sharing keys with the query, best first.

        Each group of keys (one name word with its variants, one address, ...) adds the weight
        of its rarest key an entry shares: 1 / log(2 + entries under the key). Keys shared by
        more than MAX_POSTING entries find no candidates, but still add their weight to the
        candidates found otherwise, so "Equinox Food Processing" ranks above "Equinox Mining".
        """
        scores: dict[int, float] = {}
        common: list[tuple[frozenset[int], float]] = []
        postings = self.postings
        for group in query_key_groups(query):
            best: dict[int, float] = {}
            for key in group:
                found = postings.get(key)
                if found is None:
                    continue
                posting: Sequence[int] = (found,) if isinstance(found, int) else found
                size = len(posting)
                weight = _KIND_WEIGHT[key[0]] / math.log(2 + size)
                if size > MAX_POSTING:
                    if key[0] == "n":
                        common.append((self._members(key, posting), weight))
                    continue
                for position in posting:
                    if best.get(position, 0.0) < weight:
                        best[position] = weight
            for position, weight in best.items():
                scores[position] = scores.get(position, 0.0) + weight
        for members, weight in common:
            for position in scores.keys() & members:
                scores[position] += weight
        return rank_candidates(scores, limit)


def rank_candidates(scores: dict[int, float], limit: int) -> list[int]:
    """Candidates worth scoring, best first; ties go to the earlier entry in the list.

    Weights are compared rounded, so that any engine adding the same weights in another order
    keeps the same candidates in the same order.
    """
    rounded = {p: round(w, WEIGHT_DIGITS) for p, w in scores.items()}
    kept = [p for p, w in rounded.items() if w >= MIN_CANDIDATE_WEIGHT]
    kept.sort(key=lambda p: (-rounded[p], p))
    return kept[:limit]
