"""rigour's address fingerprint, without the address formatting that comes with it.

``rigour.addresses`` also loads its address templates, with jinja2 and yaml, which costs every
command that screens 60 ms before any work starts. Its ``address_fingerprint`` only calls the
native function imported here; a test holds the two to the same output.
"""

from __future__ import annotations

from rigour._core import address_fingerprint

__all__ = ["address_fingerprint"]
