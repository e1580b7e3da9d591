"""An inverted index over a list's entries, and the word weights (IDF) features use."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from subtier.screen.features import Context
from subtier.screen.keys import entry_keys, query_keys
from subtier.screen.record import Record

# A key shared by more entries than this carries no signal and is not looked up.
MAX_POSTING = 500
# Candidates whose shared keys weigh less than this are not worth scoring: one key shared with
# a hundred other entries weighs 0.22, one unique key 0.91 (see `candidates`).
MIN_CANDIDATE_WEIGHT = 0.3


class Index:
    """Maps candidate keys to entries; ranks candidates by the rarity of the keys they share."""

    def __init__(self, entries: Sequence[Record]) -> None:
        self.entries = entries
        postings: dict[str, list[int]] = {}
        words: Counter[str] = Counter()
        for position, record in enumerate(entries):
            for key in entry_keys(record):
                postings.setdefault(key, []).append(position)
            words.update({t for n in record.names for t in n.tokens})
        self.postings = postings
        total = max(len(entries), 1)
        idf = {w: math.log(1 + total / c) for w, c in words.items()}
        self.context = Context(idf=idf, default_idf=math.log(1 + total))

    def candidates(self, query: Record, limit: int = 50) -> list[int]:
        """Entry positions sharing keys with the query, the rarest shared keys first."""
        scores: dict[int, float] = {}
        for key in query_keys(query):
            posting = self.postings.get(key)
            if not posting or len(posting) > MAX_POSTING:
                continue
            weight = 1.0 / math.log(2 + len(posting))
            for position in posting:
                scores[position] = scores.get(position, 0.0) + weight
        kept = [p for p, weight in scores.items() if weight >= MIN_CANDIDATE_WEIGHT]
        if len(kept) <= limit:
            return kept
        return sorted(kept, key=lambda p: -scores[p])[:limit]
