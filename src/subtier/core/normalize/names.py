"""Organization and place names to comparable form.

Legal forms go through rigour's org-type table in its generic form ("Company Limited", "Ltd."
and "OOO" all compare as the same form), and every script is transliterated to ASCII.
"""

from __future__ import annotations

import re
from functools import lru_cache
from sys import intern

from rigour.names import replace_org_types_compare
from rigour.text import ascii_text, metaphone

from subtier.core.immutable import immutable

_NON_WORD = re.compile(r"[^\w\s]")
# Honorifics that facility and company names carry or drop at will ("Dr. Eddie Warrior ...").
_TITLES = frozenset({"dr", "st", "mr", "mrs", "ms", "hon", "rev", "gen", "sen"})


@immutable(hashable=True)
class NormName:
    """A name in comparable forms."""

    text: str  # ascii, lower case, punctuation removed, legal forms in generic compare form
    tokens: tuple[str, ...]  # words of `text`, in order, without titles
    forms: frozenset[str]  # generic legal forms found in the name, e.g. {"llc"}

    @property
    def core(self) -> str:
        """The name without legal forms: what is left to compare."""
        return " ".join(t for t in self.tokens if t not in self.forms)


@lru_cache(maxsize=65_536)
def normalize_name(name: str) -> NormName:
    """Normalize an organization or site name."""
    latin = ascii_text(name).lower()
    cleaned = " ".join(_NON_WORD.sub(" ", latin).split())
    text = replace_org_types_compare(cleaned, generic=True) or cleaned
    # Words are interned and form sets shared: a million-entry list repeats them endlessly.
    tokens = tuple([intern(t) for t in text.split() if t not in _TITLES])
    forms = shared_forms(_generic_forms().intersection(tokens))
    return NormName(text=" ".join(tokens), tokens=tokens, forms=forms)


_FORMS: dict[frozenset[str], frozenset[str]] = {}


def shared_forms(found: frozenset[str]) -> frozenset[str]:
    """One shared set per combination of legal forms: millions of names carry the same few."""
    return _FORMS.setdefault(found, found)


@lru_cache(maxsize=1)
def _generic_forms() -> frozenset[str]:
    # The generic targets of rigour's org-type table: what every legal form maps to.
    samples = (
        "x company limited", "x gmbh", "x inc", "x ooo", "x sa", "x ag", "x plc", "x llp",
        "x lp", "x jsc", "x pjsc", "x bv", "x nv", "x spa", "x srl", "x kk", "x pte ltd",
        "x corporation", "x foundation", "x cooperative", "x trust", "x partnership",
    )  # fmt: skip
    out: set[str] = set()
    for sample in samples:
        compared = replace_org_types_compare(sample, generic=True) or sample
        out.update(t for t in compared.split() if t != "x")
    return frozenset(out)


@lru_cache(maxsize=500_000)
def phonetic(token: str) -> str:
    """A phonetic code for one word (metaphone), so that sound-alike spellings meet."""
    return metaphone(token) if token.isalpha() else token


# Soundex letter classes (b f p v: 1; c g j k q s x z: 2; d t: 3; l: 4; m n: 5; r: 6); vowels
# and h w y carry no class. Kept at full length, unlike soundex's four characters, so that it
# separates long names while "buxganbux" and "buhsganbuhs" (x written hs) still agree.
_CLASSES = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556", "aeiouhwy")


@lru_cache(maxsize=500_000)
def skeleton(token: str) -> str:
    """The word's first letter and the sound classes of its consonants, repeats collapsed."""
    if not token.isalpha():
        return token
    digits = token[1:].translate(_CLASSES)
    out = [token[0]]
    for digit in digits:
        if digit != out[-1]:
            out.append(digit)
    return "".join(out)
