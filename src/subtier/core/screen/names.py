"""Name similarity: rare words count more than common ones, and small typos still count."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz.distance import Levenshtein

from subtier.core.normalize.names import NormName, phonetic, skeleton

# Token agreement below this is no agreement at all.
_TYPO_FLOOR = 0.75


def token_similarity(a: str, b: str) -> float:
    """How alike two words are: 1 equal, 0.9 typo, 0.8 same sound (and first letter), 0.7
    abbreviation or initial ("J" for "Jean"), else 0."""
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
    if len(short) == 1:
        # An initial stands for any word with that first letter ("J." for "Jean").
        return 0.7 if long[0] == short else 0.0
    if len(short) >= 3:
        if a[0] == b[0] and phonetic(a) == phonetic(b):
            return 0.8
        if long.startswith(short):
            return 0.7
    return 0.0


def name_similarity(
    query: NormName, entry: NormName, idf: Mapping[str, float], default_idf: float
) -> float:
    """IDF-weighted soft Dice overlap of the two names' words, legal forms left out.

    Each word of one name is paired with at most one word of the other, the most alike pairs
    first (a word repeated on one side pairs once); the weights are inverse document
    frequencies over the list, so "correctional center" counts for little and "warrior" for
    a lot.
    """
    forms = query.forms
    qt: Sequence[str] = [t for t in query.tokens if t not in forms] if forms else query.tokens
    forms = entry.forms
    et: Sequence[str] = [t for t in entry.tokens if t not in forms] if forms else entry.tokens
    qt, et = qt or query.tokens, et or entry.tokens
    if not qt or not et:
        return 0.0
    qj, ej = "".join(qt), "".join(et)
    if qj == ej:
        return 1.0
    qt, et = spelled_initials(*rejoined(qt, et))
    # Words run together or split apart ("BaxlesoWeaving"): compare the letters as one string.
    joined = Levenshtein.normalized_similarity(qj, ej) * 0.95
    # Each side's words weighed by IDF and by how alike their partner is. Added up in loops,
    # not with sum() over lists: this runs for nearly every candidate.
    best_q, best_e, _ = _aligned(qt, et)
    matched = weight = 0.0
    for b, best in zip(et, best_e, strict=True):
        w = idf.get(b, default_idf)
        weight += w
        matched += w * best
    for a, best in zip(qt, best_q, strict=True):
        w = idf.get(a, default_idf)
        weight += w
        matched += w * best
    return max(matched / weight, joined)


def rejoined(query: Sequence[str], entry: Sequence[str]) -> tuple[Sequence[str], Sequence[str]]:
    """Both names' words with two neighbours run together where the other name has them as
    one word: "Patr ushev" for "Patrushev", "Toy s" for "Toys"."""
    return _join_split(query, entry), _join_split(entry, query)


def _join_split(words: Sequence[str], other: Sequence[str]) -> Sequence[str]:
    count = len(words)
    if count < 2:
        return words
    at = next((i for i in range(count - 1) if words[i] + words[i + 1] in other), -1)
    if at < 0:  # most names: nothing to rejoin
        return words
    out = list(words[:at])
    i = at
    while i < count:
        if i + 1 < count and words[i] + words[i + 1] in other:
            out.append(words[i] + words[i + 1])
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


# Initials stand for two to four words at most ("IE" for "Import Export").
_INITIALS = range(2, 5)
# Initials stand for the whole of the other name only from three letters on ("IRGC" for
# "Islamic Revolutionary Guard Corps"): two say too little ("N.N.").
_WHOLE_NAME_INITIALS = 3


def spelled_initials(
    query: Sequence[str], entry: Sequence[str]
) -> tuple[Sequence[str], Sequence[str]]:
    """Both names' words with a short word that is the initials of words of the other name,
    in order, spelled out as those words: "IE" for "Import Export", "WaC" for "Wire and
    Cable", "TP" for "Tomato Products". A word the other name has as it is stays as it is;
    two letters never stand for the whole of the other name ("N.N."), three or four may
    ("IRGC")."""
    return _spell_out(query, entry), _spell_out(entry, query)


def _spell_out(words: Sequence[str], other: Sequence[str]) -> Sequence[str]:
    if len(other) < 2:
        return words
    found = [_initials_at(w, other) if 1 < len(w) < 5 else -1 for w in words]
    if max(found) < 0:  # most names: no initials
        return words
    out: list[str] = []
    for word, at in zip(words, found, strict=True):
        if at < 0:
            out.append(word)
        else:
            out.extend(other[at : at + len(word)])
    return out


def _initials_at(word: str, other: Sequence[str]) -> int:
    """Where the words ``word`` is the initials of start in ``other``, or -1."""
    size = len(word)
    if not (_INITIALS.start <= size < _INITIALS.stop) or size > len(other):
        return -1
    if size == len(other) < _WHOLE_NAME_INITIALS:
        return -1
    if word in other or not word.isalpha():
        return -1
    first = word[0]
    for start in range(len(other) - size + 1):
        if other[start][:1] == first:
            run = other[start : start + size]
            if all(len(w) > 1 and w[0] == c for w, c in zip(run, word, strict=True)):
                return start
    return -1


def _aligned(
    query: Sequence[str], entry: Sequence[str]
) -> tuple[list[float], list[float], list[int]]:
    """Each word paired with at most one word of the other side, the most alike pairs first:
    each side's similarity to its partner (0 for none), and each query word's partner (-1)."""
    best_q = [0.0] * len(query)
    best_e = [0.0] * len(entry)
    partner = [-1] * len(query)
    pairs: list[tuple[float, int, int]] = []
    for i, a in enumerate(query):
        row = _row(a)
        for j, b in enumerate(entry):
            sim = 1.0 if a == b else row.get(b)
            if sim is None:
                sim = _compare(row, a, b)
            if sim:
                pairs.append((-sim, i, j))
    pairs.sort()
    taken_e = [False] * len(entry)
    for sim, i, j in pairs:
        if partner[i] < 0 and not taken_e[j]:
            partner[i] = j
            taken_e[j] = True
            best_q[i] = best_e[j] = -sim
    return best_q, best_e, partner


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


def unpaired_words(query: NormName, entry: NormName) -> tuple[list[str], list[str]]:
    """The words of each name, legal forms left out, that pair with no word of the other
    (not even as a typo, a sound-alike or an abbreviation); none when they share no word."""
    forms = query.forms
    qt: Sequence[str] = [t for t in query.tokens if t not in forms] if forms else query.tokens
    forms = entry.forms
    et: Sequence[str] = [t for t in entry.tokens if t not in forms] if forms else entry.tokens
    if not qt or not et or "".join(qt) == "".join(et):
        return [], []
    qt, et = spelled_initials(*rejoined(qt, et))
    best_q, best_e, _ = _aligned(qt, et)
    extra_q = [t for t, b in zip(qt, best_q, strict=True) if not b]
    if len(extra_q) == len(qt):  # nothing in common: the names simply differ
        return [], []
    return extra_q, [t for t, b in zip(et, best_e, strict=True) if not b]
