"""Addresses from abroad compared word by word: house numbers and street words as people
mistype them ("14a2" for 142, "Roao" for Road, "Kaif Aroad" for Kaifa Road)."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA, Levenshtein

from subtier.core.normalize.fingerprint import address_fingerprint
from subtier.core.screen.names import soft_overlap

# Street and place words as written out, each with the short form rigour's fingerprint
# gives it ("road" → "rd"): a word typed a letter or two off one of them is read as it.
_SPELLED = (
    "road", "street", "avenue", "avenida", "boulevard", "highway", "harbour", "station",
    "industrial", "jalan", "lane", "drive", "court", "square", "building", "village",
    "centre", "terrace", "parkway", "expressway", "strasse", "ulitsa", "prospekt",
)  # fmt: skip
_SHORT = {word: address_fingerprint(word) or word for word in _SPELLED}
_LONG = {short: word for word, short in reversed(list(_SHORT.items()))}
# The letters of two lines run together this alike are the same line with words split in
# other places ("Kaif Aroad", "Gongyeroad").
JOINED_ALIKE = 0.9


@lru_cache(maxsize=50_000)
def line_word(word: str) -> str:
    """A word of a line as the fingerprint writes it, read through a typo of a written-out
    street word ("roao", "stereet", "higway"): one letter off at 4 to 6 letters, two beyond."""
    if word in _LONG or len(word) < 4:
        return word
    for spelled, short in _SHORT.items():
        allowed = 1 if len(spelled) <= 6 else 2
        near = abs(len(spelled) - len(word)) <= allowed
        if near and OSA.distance(word, spelled, score_cutoff=allowed) <= allowed:
            return short
    return word


def line_overlap(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How alike two lines' words are: the soft overlap of their words (typed street words
    read as such), or the likeness of their letters run together, street words written out,
    when that is near one (words split in other places)."""
    xs, ys = _line_words(a), _line_words(b)
    overlap = soft_overlap(xs, ys)
    if overlap < 1.0 and xs and ys:
        joined = Levenshtein.normalized_similarity(
            _joined(xs), _joined(ys), score_cutoff=JOINED_ALIKE
        )
        overlap = max(overlap, joined)  # 0 below the cutoff
    return overlap


@lru_cache(maxsize=50_000)  # a list's lines share their street and town words
def _line_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(line_word(w) for w in words)


@lru_cache(maxsize=50_000)
def _joined(words: tuple[str, ...]) -> str:
    return "".join([_LONG.get(w, w) for w in words])


def house_agrees(x: str, y: str) -> float | None:
    """How surely two house numbers are the same: 1 equal; 0.9 the same figures once letters
    typed among or after them are left out ("14a2" and 142, "374h" and 374); 0.8 for numbers
    of three figures or more, one figure dropped, added, changed or swapped with the next
    ("86" and 869, "454" and 445); else None ("12" and 13 are two houses)."""
    if x == y:
        return 1.0
    dx, dy = _figures(x), _figures(y)
    if not dx or not dy:
        return None
    if dx == dy:
        return 0.9
    if max(len(dx), len(dy)) >= 3 and OSA.distance(dx, dy, score_cutoff=1) <= 1:
        return 0.8
    return None


def _figures(house: str) -> str:
    # The figures of a house number with letters typed among them left out; a word run onto
    # the number ("405stongi") ends it.
    out: list[str] = []
    for i, char in enumerate(house):
        if char.isdigit():
            out.append(char)
        elif not (i + 1 < len(house) and house[i + 1].isdigit()):
            break
    return "".join(out)
