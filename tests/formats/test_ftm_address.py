"""Lists and chains read an FtM Address entity the same way."""

from __future__ import annotations

from followthemoney import model

from subtier.formats.ftm_chain import _address_parts
from subtier.lists.ftm import _address


def test_both_readers_take_the_same_parts() -> None:
    cases = [
        {"street": ["601 N Oak St"], "city": ["Taft"], "state": ["OK"], "postalCode": ["74463"],
         "full": ["601 N Oak St, Taft, OK 74463"], "country": ["us"]},
        {"full": ["Cebu IT Park, Cebu City, Philippines"], "country": ["ph"]},
        {"city": ["Taft"], "state": ["OK"]},
    ]  # fmt: skip
    for props in cases:
        listed = _address(props)
        entity = model.make_entity("Address")
        entity.id = "a"
        for key, values in props.items():
            entity.add(key, values)
        chained = _address_parts(entity)
        assert chained["address"] == listed.line
        assert chained["city"] == listed.city
        assert chained["state"] == listed.state
        assert chained["zip"] == listed.zip
