"""Records and an index as plain values, and back: what a prepared list is stored as.

Pickling a record's dataclasses one by one costs as much as normalizing it again; nested
tuples of strings go through ``marshal`` in milliseconds, and a record is rebuilt only when a
query first needs it.
"""

from __future__ import annotations

import io
import itertools
import marshal
from array import array
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, BinaryIO, overload

from subtier.core.normalize.addresses import Address
from subtier.core.normalize.names import NormName, shared_forms
from subtier.core.screen.features import Context
from subtier.core.screen.index import Index, IndexPart
from subtier.core.screen.record import NO_IDENTIFIERS, Record

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
    # marshal keeps the words interned as they were when packed.
    if len(names) == 1:  # most records; a query rebuilds a few of them each
        text, tokens, forms = names[0]
        norms: tuple[NormName, ...] = (NormName(text, tokens, shared_forms(forms)),)
    else:
        norms = tuple(NormName(text, tokens, shared_forms(forms)) for text, tokens, forms in names)
    return Record(
        id_, name, norms, None if address is None else Address(*address), country,
        latitude, longitude, extent_m, identifiers or NO_IDENTIFIERS, status,
    )  # fmt: skip


class LazyRecords(Sequence[Record]):
    """Packed records, each rebuilt on first use: a query touches a handful of a big list.

    ``built`` gives the records already at hand, by position; the others are in ``packed``.
    """

    def __init__(
        self, packed: Sequence[Packed | None], built: list[Record | None] | None = None
    ) -> None:
        self._packed = packed
        self._built: list[Record | None] = [None] * len(packed) if built is None else built

    def packed(self, start: int, end: int) -> list[Packed]:
        """The records from ``start`` to ``end`` packed: as they came, or packed now if they
        were at hand."""
        out: list[Packed] = []
        for found, record in zip(self._packed[start:end], self._built[start:end], strict=True):
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
    return {k: _plain(v) for k, v in table.items()}


def _plain(value: Any) -> Any:
    # A posting's array goes as its bytes (marshal takes no arrays); anything else as it is.
    return value.tobytes() if isinstance(value, array) else value


def _arrays(table: Mapping[str, int | bytes]) -> dict[str, int | array[int]]:
    out: dict[str, int | array[int]] = {}
    for key, value in table.items():
        if isinstance(value, int):
            out[key] = value
        else:
            found = array("i")
            found.frombytes(value)
            out[key] = found
    return out


# Records, or dictionary keys, per blob of a stored list: a list is written and read a blob at
# a time, so that neither holds all its packed values and all its bytes at once (a million
# entries would need a gigabyte more).
_CHUNK = 20_000
_MAGIC = b"subtier-list\x00"
# No blob comes near this (one is a few megabytes): a larger length means damaged bytes.
_MAX_BLOB = 1 << 30


def write_list(out: BinaryIO, records: Sequence[Record], index: Index) -> None:
    """Write a list's entries and index (marshal blobs, each after its length)."""
    lazy = records if isinstance(records, LazyRecords) else None
    ctx = index.context
    tables: list[Mapping[str, Any]] = [index.words, index.derived, index.postings, ctx.idf]
    counts = [_blobs(len(records)), *(_blobs(len(t)) for t in tables)]
    out.write(_MAGIC)
    _write(out, (len(records), counts, ctx.default_idf))
    for start in range(0, len(records), _CHUNK):
        end = min(start + _CHUNK, len(records))
        if lazy is not None:
            _write(out, lazy.packed(start, end))
        else:
            _write(out, [pack(records[i]) for i in range(start, end)])
    for table in tables:
        items = iter(table.items())
        for _ in range(_blobs(len(table))):
            keys, values = zip(*itertools.islice(items, _CHUNK), strict=True)
            _write(out, (keys, [_plain(v) for v in values]))


def read_list(source: BinaryIO) -> tuple[LazyRecords, Index]:
    """The entries and index ``write_list`` wrote; ValueError, EOFError or TypeError if the
    stream holds no such list."""
    if source.read(len(_MAGIC)) != _MAGIC:
        raise ValueError("not a stored list")
    size, counts, default_idf = _read(source)
    packed: list[Packed | None] = []
    for _ in range(counts[0]):
        packed.extend(_read(source))
    if len(packed) != size:
        raise ValueError("a stored list with entries missing")
    words, derived, postings, idf = (_read_table(source, count) for count in counts[1:])
    entries = LazyRecords(packed)
    index = Index.restore(
        entries,
        _arrays(words),
        derived,
        _arrays(postings),
        Context(idf=idf, default_idf=default_idf),
    )
    return entries, index


def list_bytes(records: Sequence[Record], index: Index) -> bytes:
    """A list's entries and index as bytes: what is sent to a worker."""
    out = io.BytesIO()
    write_list(out, records, index)
    return out.getvalue()


def list_from_bytes(data: bytes) -> tuple[LazyRecords, Index]:
    """The entries and index ``list_bytes`` was given; ValueError, EOFError or TypeError if the
    bytes are not such a list."""
    return read_list(io.BytesIO(data))


def _blobs(size: int) -> int:
    return -(-size // _CHUNK)


def _write(out: BinaryIO, value: Any) -> None:
    data = marshal.dumps(value)
    out.write(len(data).to_bytes(8, "little"))
    out.write(data)


def _read(source: BinaryIO) -> Any:
    head = source.read(8)
    size = int.from_bytes(head, "little")
    if size > _MAX_BLOB:
        raise ValueError("a damaged stored list")
    data = source.read(size)
    if len(head) < 8 or len(data) < size:
        raise EOFError("a stored list cut short")
    return marshal.loads(data)


def _read_table(source: BinaryIO, count: int) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for _ in range(count):
        keys, values = _read(source)
        table.update(zip(keys, values, strict=True))
    return table
