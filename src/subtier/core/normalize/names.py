"""Organization and place names to comparable form.

Legal forms said several ways are said one way (``plain_forms``: "Inc.", "Corp." and "Co." are
one form; "Co., Ltd.", "Limited" and "OOO" another), typed with a slip at the end of a name
or not; the rest go through rigour's org-type table in its generic form. Every script is
transliterated to ASCII.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from sys import intern

from rapidfuzz.distance import OSA
from rigour.names import replace_org_types_compare
from rigour.text import ascii_text, metaphone

from subtier.core.immutable import immutable

_NON_WORD = re.compile(r"[^\w\s]")
# Letters each followed by a dot, run together: "s.a.", "l.l.c.", "c.v." (not "j. r. r.").
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}")
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
    latin = _DOTTED.sub(_undotted, ascii_text(name).lower())
    cleaned = " ".join(plain_forms(_NON_WORD.sub(" ", latin).split()))
    text = replace_org_types_compare(cleaned, generic=True) or cleaned
    # Words are interned and form sets shared: a million-entry list repeats them endlessly.
    tokens = tuple([intern(t) for t in text.split() if t not in _TITLES])
    forms = shared_forms(_generic_forms().intersection(tokens))
    return NormName(text=" ".join(tokens), tokens=tokens, forms=forms)


def _undotted(found: re.Match[str]) -> str:
    return found.group(0).replace(".", "") + " "


# Legal forms said in several ways, each to one generic form before rigour's table (which
# leaves "corp" and "s a de c v" alone, and reads "co ltd" and "company limited" apart).
# Inc., Corp., Co. and Corporation are one form; Ltd, Limited, Co., Ltd. and LLC another
# (rigour's generic "llc"); S.A. with or without "de C.V." and JSC a third.
_FORM_PHRASES: Mapping[tuple[str, ...], str] = {
    tuple(phrase.split()): generic
    for generic, phrases in (
        ("llc", ("limited liability company", "limited liability co", "llc", "ooo", "ltd",
                 "limited", "co ltd", "co limited", "company limited", "company ltd",
                 "pvt ltd", "pvt limited", "private limited", "private ltd")),
        ("corporation", ("inc", "incorporated", "corp", "corporation", "co", "company")),
        ("jsc", ("jsc", "joint stock company", "oao", "ao", "zao", "pao", "pjsc", "ojsc",
                 "cjsc", "sa", "sa de cv", "s de rl", "s de rl de cv")),
    )
    for phrase in phrases
}  # fmt: skip
_LONGEST_FORM = max(len(p) for p in _FORM_PHRASES)
_FORM_STARTS = frozenset(p[0] for p in _FORM_PHRASES)
# Short forms that are words of a name too ("Co-op", "Coca Co Cola"): forms only at the end.
_ONLY_LAST = frozenset({("co",), ("company",)})
# Form words typed with a slip at the end of a name ("Lieability Cumpany", "Co., Lotd."):
# read as the form when one letter off (two for words of ten letters or more), first letter
# kept; forms of three or four letters only with a letter swapped or added inside ("Icn",
# "Lttd"), never at either end ("Corps" is a word of its own).
_FORM_WORDS = frozenset(w for phrase in _FORM_PHRASES for w in phrase if len(w) >= 3)


def plain_forms(words: list[str]) -> list[str]:
    """The words of a name with each legal form said one way (``_FORM_PHRASES``): forms
    typed with a slip at the end of the name are read first (``_mended_form``)."""
    mended = words
    for i in range(len(words) - 1, 0, -1):  # the first word is never a form
        fixed = _mended_form(words[i])
        if fixed is None:
            break
        if fixed != words[i]:
            mended = mended if mended is not words else list(words)
            mended[i] = fixed
    if _FORM_STARTS.isdisjoint(mended):
        return mended
    out: list[str] = []
    i, count = 0, len(mended)
    while i < count:
        word = mended[i]
        if word in _FORM_STARTS:
            for size in range(min(_LONGEST_FORM, count - i), 0, -1):
                phrase = tuple(mended[i : i + size])
                generic = _FORM_PHRASES.get(phrase)
                if generic is None or (i + size < count and phrase in _ONLY_LAST):
                    continue
                if i > 0 or size < count:
                    out.append(generic)
                    i += size
                    break
            else:
                out.append(word)
                i += 1
        else:
            out.append(word)
            i += 1
    return out


@lru_cache(maxsize=65_536)
def _mended_form(word: str) -> str | None:
    """The form word ``word`` is, or is a slip away from; None if it is no form word."""
    if (word,) in _FORM_PHRASES or word in _FORM_WORDS:
        return word
    if len(word) < 3 or not word.isalpha():
        return None
    for form in _FORM_WORDS:
        if form[0] != word[0] or abs(len(form) - len(word)) > 2:
            continue
        if len(form) <= 4:
            if _short_slip(word, form):
                return form
            continue
        allowed = 2 if len(form) >= 10 else 1
        if OSA.distance(word, form, score_cutoff=allowed) <= allowed:
            return form
    return None


def _short_slip(word: str, form: str) -> bool:
    # "icn" for "inc" (swapped), "lttd" or "lotd" for "ltd" (a letter inside, not at either
    # end: "corps" is a word of its own, and so is "crop").
    if len(word) == len(form) == 3:  # not "crop" for "corp"
        return word[0] == form[0] and sorted(word) == sorted(form)
    inside = range(1, len(word) - 1)
    return len(word) == len(form) + 1 and any(word[:i] + word[i + 1 :] == form for i in inside)


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
