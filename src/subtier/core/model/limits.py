"""How long a chain's texts may be. A longer one is an error naming the field and its line.

Real names and addresses are far shorter; the limits keep a damaged or hostile file (a
3-million-character address) from costing minutes in normalization and screening, and from
filling reports. The same limits hold for the vendor portal's forms and for the names and
addresses of list entries.
"""

from __future__ import annotations

ID_MAX = 200  # an id, or a reference to one
NAME_MAX = 500  # a name or an alias; the chain's name
ADDRESS_MAX = 1_000  # a street address, one line or street only
PLACE_MAX = 200  # city, state, postal code, country
TEXT_MAX = 10_000  # free text: description, service, activity, source
IDENTIFIER_MAX = 200  # an identifier's value (its scheme: at most ID_MAX)

LIMITS = {
    "ids and references": ID_MAX,
    "names and aliases": NAME_MAX,
    "addresses": ADDRESS_MAX,
    "city, state, zip, country": PLACE_MAX,
    "free text (description, service, activities, source)": TEXT_MAX,
    "identifier values": IDENTIFIER_MAX,
}
