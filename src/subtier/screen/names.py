"""Name similarity: rare words count more than common ones, and small typos still count."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz.distance import Levenshtein

from subtier.normalize.names import NormName, phonetic, skeleton

# Token agreement below this is no agreement at all.
_TYPO_FLOOR = 0.75


def token_similarity(a: str, b: str) -> float:
    """How alike two words are: 1 equal, 0.9 typo, 0.8 same sound, 0.7 abbreviation, else 0."""
    if a == b:
        return 1.0
    return _compare(_row(a), a, b)


# Word pairs already compared, by the first word: names repeat their words endlessly.
_SEEN: dict[str, dict[str, float]] = {}
_SEEN_PAIRS = [0]
# Bounded: the pairs of a long run are forgotten wholesale past this many.
_MAX_SEEN = 1_000_000


def _row(a: str) -> dict[str, float]:
    row = _SEEN.get(a)
    if row is None:
        row = _SEEN[a] = {}
    return row


def _compare(row: dict[str, float], a: str, b: str) -> float:
    known = row.get(b)
    if known is None:
        known = row[b] = _token_similarity(a, b)
        _SEEN_PAIRS[0] += 1
        if _SEEN_PAIRS[0] > _MAX_SEEN:
            _SEEN.clear()
            _SEEN_PAIRS[0] = 0
    return known


def _token_similarity(a: str, b: str) -> float:
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(short) >= 4:
        # Words this far apart in length cannot reach the floor: no need to compare letters.
        if len(short) >= _TYPO_FLOOR * len(long):
            ratio = Levenshtein.normalized_similarity(a, b, score_cutoff=_TYPO_FLOOR)
            if ratio:  # 0 below the cutoff
                return 0.9 * ratio
        if a[0] == b[0] and skeleton(a) == skeleton(b):
            return 0.85
    if len(short) >= 3:
        if phonetic(a) == phonetic(b):
            return 0.8
        if long.startswith(short):
            return 0.7
    return 0.0


def name_similarity(
    query: NormName, entry: NormName, idf: Mapping[str, float], default_idf: float
) -> float:
    """IDF-weighted soft Dice overlap of the two names' words, legal forms left out.

    Each word of one name is paired with its most similar word of the other; the weights are
    inverse document frequencies over the list, so "correctional center" counts for little and
    "warrior" for a lot.
    """
    forms = query.forms
    qt = [t for t in query.tokens if t not in forms] if forms else query.tokens
    forms = entry.forms
    et = [t for t in entry.tokens if t not in forms] if forms else entry.tokens
    qt, et = qt or query.tokens, et or entry.tokens
    if not qt or not et:
        return 0.0
    qj, ej = "".join(qt), "".join(et)
    if qj == ej:
        return 1.0
    # Words run together or split apart ("BaxlesoWeaving"): compare the letters as one string.
    joined = Levenshtein.normalized_similarity(qj, ej) * 0.95
    # Each side's words weighed by IDF and by how alike their best partner is. Added up in
    # loops, not with sum() over lists: this runs for nearly every candidate. The order is
    # sum()'s, so that scores keep every last digit.
    best_q, best_e = _best_pairs(qt, et)
    matched_q = weight_q = 0.0
    for a, best in zip(qt, best_q, strict=True):
        w = idf.get(a, default_idf)
        weight_q += w
        matched_q += w * best
    matched_e = weight_e = 0.0
    for b, best in zip(et, best_e, strict=True):
        w = idf.get(b, default_idf)
        weight_e += w
        matched_e += w * best
    return max((matched_q + matched_e) / (weight_q + weight_e), joined)


def _best_pairs(query: Sequence[str], entry: Sequence[str]) -> tuple[list[float], list[float]]:
    """For each word of each side, its similarity to the most similar word of the other."""
    best_q = [0.0] * len(query)
    best_e = [0.0] * len(entry)
    for i, a in enumerate(query):
        best = 0.0
        row = _row(a)
        for j, b in enumerate(entry):
            sim = 1.0 if a == b else row.get(b)
            if sim is None:
                sim = _compare(row, a, b)
            if sim > best_e[j]:
                best_e[j] = sim
            if sim > best:
                best = sim
        best_q[i] = best
    return best_q, best_e


def soft_overlap(query: Sequence[str], entry: Sequence[str]) -> float:
    """Unweighted soft Dice overlap of two word lists (for address words)."""
    if not query or not entry:
        return 0.0
    best_q, best_e = _best_pairs(query, entry)
    return (sum(best_q) + sum(best_e)) / (len(query) + len(entry))
