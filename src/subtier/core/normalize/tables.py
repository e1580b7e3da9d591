"""rigour's tables, built ahead of their first use.

rigour builds its address, legal-form and transliteration tables the first time each is used
(about 0.25 s in all, most of it the address tables), in native code that lets other threads
run meanwhile. Built in a thread while the command line is still importing itself and reading
the lists, they cost no time; built on first use, they hold up the run.
"""

from __future__ import annotations

from subtier.core.normalize.fingerprint import address_fingerprint


def load_tables() -> None:
    """Build rigour's address, legal-form and transliteration tables.

    The address tables come first: they are the largest, and need nothing imported but
    rigour's native core, so their build starts at once. Scripts rigour does not romanize
    itself (Han, Arabic, ...) go through ICU, whose transliterator takes 0.08 s to build and
    holds the interpreter meanwhile: it is left to the first name that needs it, which most
    lists and rosters never have."""
    address_fingerprint("No. 3 Ataturk Boulevard, Shenzhen")
    # Imported here, after the build above has begun: importing them takes 0.1 s of Python.
    from rigour.names import replace_org_types_compare
    from rigour.text import ascii_text

    replace_org_types_compare("acme holdings llc", generic=True)
    ascii_text("Atatürk")
