"""Records and an index as plain values, and back: what a prepared list is stored as.

Pickling a record's dataclasses one by one costs as much as normalizing it again; nested
tuples of strings go through ``marshal`` in milliseconds, and a record is rebuilt only when a
query first needs it.
"""

from __future__ import annotations

import marshal
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, overload

from subtier.normalize.addresses import Address
from subtier.normalize.names import NormName, shared_forms
from subtier.screen.features import Context
from subtier.screen.index import Index, IndexPart
from subtier.screen.record import NO_IDENTIFIERS, Record

Packed = tuple[Any, ...]


def pack(record: Record) -> Packed:
    """A record as nested tuples of strings, numbers and None."""
    a = record.address
    return (
        record.id,
        record.name,
        tuple((n.text, n.tokens, n.forms) for n in record.names),
        None if a is None else a.astuple(),
        record.country,
        record.latitude,
        record.longitude,
        record.extent_m,
        dict(record.identifiers) if record.identifiers else None,
        record.status,
    )


def unpack(packed: Packed) -> Record:
    """The record ``pack`` was given, equal to it in every field."""
    id_, name, names, address, country, latitude, longitude, extent_m, identifiers, status = packed
    return Record(
        id=id_,
        name=name,
        # marshal keeps the words interned as they were when packed.
        names=tuple(NormName(text, tokens, shared_forms(forms)) for text, tokens, forms in names),
        address=None if address is None else Address(*address),
        country=country,
        latitude=latitude,
        longitude=longitude,
        extent_m=extent_m,
        identifiers=identifiers or NO_IDENTIFIERS,
        status=status,
    )


class LazyRecords(Sequence[Record]):
    """Packed records, each rebuilt on first use: a query touches a handful of a big list.

    ``built`` gives the records already at hand, by position; the others are in ``packed``.
    """

    def __init__(
        self, packed: Sequence[Packed | None], built: list[Record | None] | None = None
    ) -> None:
        self._packed = packed
        self._built: list[Record | None] = [None] * len(packed) if built is None else built

    def packed(self) -> list[Packed]:
        """Every record packed: as it came, or packed now if it was at hand."""
        out: list[Packed] = []
        for found, record in zip(self._packed, self._built, strict=True):
            if found is None:
                assert record is not None  # every position is packed, at hand, or both
                found = pack(record)
            out.append(found)
        return out

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, position: int) -> Record: ...
    @overload
    def __getitem__(self, position: slice) -> Sequence[Record]: ...
    def __getitem__(self, position: int | slice) -> Record | Sequence[Record]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        found = self._built[position]
        if found is None:
            packed = self._packed[position]
            assert packed is not None  # every position is packed, at hand, or both
            found = self._built[position] = unpack(packed)
        return found

    def __iter__(self) -> Iterator[Record]:
        for position in range(len(self)):
            yield self[position]


def pack_part(part: IndexPart) -> Packed:
    """What an index part holds, as plain values."""
    return _postings(part.words), _postings(part.postings), dict(part.counts)


def unpack_part(packed: Packed) -> IndexPart:
    """The part ``pack_part`` was given."""
    words, postings, counts = packed
    return IndexPart(_arrays(words), _arrays(postings), Counter(counts))


def _postings(table: dict[str, int | array[int]]) -> dict[str, int | bytes]:
    return {k: v if isinstance(v, int) else v.tobytes() for k, v in table.items()}


def _arrays(table: dict[str, int | bytes]) -> dict[str, int | array[int]]:
    out: dict[str, int | array[int]] = {}
    for key, value in table.items():
        if isinstance(value, int):
            out[key] = value
        else:
            found = array("i")
            found.frombytes(value)
            out[key] = found
    return out


def pack_index(index: Index) -> Packed:
    """What an index holds, as plain values."""
    ctx = index.context
    return (
        _postings(index.words),
        index.derived,
        _postings(index.postings),
        dict(ctx.idf),
        ctx.default_idf,
    )


def unpack_index(packed: Packed, entries: Sequence[Record]) -> Index:
    """The index ``pack_index`` was given, over the same entries."""
    words, derived, postings, idf, default_idf = packed
    return Index.restore(
        entries,
        _arrays(words),
        derived,
        _arrays(postings),
        Context(idf=idf, default_idf=default_idf),
    )


def list_bytes(records: Sequence[Record], index: Index) -> bytes:
    """A list's entries and index as bytes (marshal): what is stored, or sent to a worker."""
    packed = records.packed() if isinstance(records, LazyRecords) else [pack(r) for r in records]
    return marshal.dumps((packed, pack_index(index)))


def list_from_bytes(data: bytes) -> tuple[LazyRecords, Index]:
    """The entries and index ``list_bytes`` was given; ValueError, EOFError or TypeError if the
    bytes are not such a list."""
    packed_records, packed_index = marshal.loads(data)
    entries = LazyRecords(packed_records)
    return entries, unpack_index(packed_index, entries)
