"""Every use of Whoosh's private attributes, in one place.

The search fast path reads postings a block at a time and document lengths a segment
at a time, through attributes Whoosh does not promise to keep (checked against
whoosh-reloaded 2.7.5). `tests/test_whoosh_private.py` fails loudly when an installed
Whoosh no longer has them; elsewhere callers get None and fall back to Whoosh's public
API, which is slower but gives the same results."""

from __future__ import annotations

import io
import os
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate
from pickle import loads
from weakref import WeakKeyDictionary

from whoosh.filedb import filetables as _ft
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Positions
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

try:  # module-level names of the 2.7 codec
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3TermInfo, _lenfield
except ImportError:  # pragma: no cover - a Whoosh without the 2.7 codec
    LENGTHS_COLUMN = W3TermInfo = _lenfield = None

_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]


def field_lengths(reader, fieldname: str) -> list[int] | None:
    """All document lengths of one field of one segment reader, or None if the
    segment does not keep them the way Whoosh 2.7's codec does."""
    if _lenfield is None:
        return None
    try:
        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if col is None:
            return None
        data = col._dbfile.get(col._basepos, col._count)
    except AttributeError:
        return None
    lengths = [_BYTE_TO_LENGTH[b] for b in data]
    missing = reader.doc_count_all() - len(lengths)
    return lengths + [1] * missing if missing > 0 else lengths


def term_info(reader, fieldname: str, btext: bytes):
    """A word's term info in one segment: None when the segment lacks it, False when
    the segment's term table is not the 2.7 codec's."""
    try:
        terms = reader._terms
        lookup = _lookups.get(terms)
        if lookup is None:
            lookup = _lookups[terms] = _hash_lookup(terms._tindex) or False
        if not lookup:
            return terms.term_info(fieldname, btext)
        value = lookup(terms._keycoder(fieldname, btext))
        return None if value is None else W3TermInfo.from_bytes(value)
    except (KeyError, TermNotFound):
        return None
    except AttributeError:
        return False


_lookups: WeakKeyDictionary = WeakKeyDictionary()  # a segment's term table -> its lookup


def _hash_lookup(tindex) -> Callable[[bytes], bytes | None] | None:
    """Whoosh's on-disk hash lookup (filetables.HashReader.ranges_for_key) in a few
    positioned reads of the file, instead of ~8 seeks and reads through four layers of
    file objects: a prefix's words looked up in each of 72 segments were most of its
    time. None when the table is not laid out as expected."""
    try:
        sub = tindex.dbfile.file
        fd, base = sub._file.fileno(), sub._offset
        tables, hashfn, start = tindex.tables, tindex.hashfn, tindex.startoffset
        ptr, lens = _ft._pointer, _ft._lengths
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None
    pread = getattr(os, "pread", None)  # not on Windows
    if start or type(sub).__name__ != "SubFile" or W3TermInfo is None or pread is None:
        return None
    size = ptr.size

    def lookup(key: bytes) -> bytes | None:
        keyhash = hashfn(key)
        tablestart, numslots = tables[keyhash & 255]
        end = tablestart + numslots * size
        pos = tablestart + ((keyhash >> 8) % numslots) * size if numslots else end
        left = numslots
        while left:
            n = min(8, left, (end - pos) // size)  # a probe rarely goes past 8 slots
            for slothash, itempos in ptr.iter_unpack(pread(fd, n * size, base + pos)):
                if not itempos:
                    return None
                if slothash == keyhash:
                    head = pread(fd, lens.size + len(key) + 64, base + itempos)
                    keylen, datalen = lens.unpack_from(head)
                    at = lens.size + keylen
                    if keylen == len(key) and head[lens.size : at] == key:
                        if len(head) < at + datalen:
                            head += pread(fd, at + datalen - len(head), base + itempos + len(head))
                        return head[at : at + datalen]
            left -= n
            pos = pos + n * size if pos + n * size < end else tablestart
        return None

    return lookup


def posting_blocks(
    reader, fieldname: str, btext: bytes, info=None
) -> Iterator[tuple[list, list]] | None:
    """(document numbers, weights) of a term's postings in one segment, a block at a
    time (`info`: its `term_info`, if looked up already); None when the segment's
    postings are not the 2.7 codec's."""
    return _blocks(reader, fieldname, btext, values=False, info=info)


def posting_data(
    reader, fieldname: str, btext: bytes, info=None
) -> Iterator[tuple[list, list, list]] | None:
    """(document numbers, weights, encoded values) of a term's postings in one segment,
    a block at a time: a block is decoded once for both (a phrase scores its words and
    reads their positions). None as for `posting_blocks`."""
    return _blocks(reader, fieldname, btext, values=True, info=info)


class _ShiftedBytes(io.BytesIO):
    """A term's postings read into memory, addressed as in the postings file."""

    def __init__(self, data: bytes, base: int):
        super().__init__(data)
        self._base = base

    def seek(self, pos: int, whence: int = 0) -> int:
        return super().seek(pos - self._base if whence == 0 else pos, whence) + self._base

    def tell(self) -> int:
        return super().tell() + self._base


def _blocks(reader, fieldname: str, btext: bytes, values: bool, info=None):
    """A term's postings a block at a time. Its bytes are read from the file at once:
    Whoosh's matcher reads a block's header through pickle.load, a system call per few
    bytes on a file opened without mmap (~25 reads a block)."""
    field = reader.schema[fieldname]
    try:
        terms = reader._terms
        if info is None:
            try:
                info = terms.term_info(fieldname, btext)
            except (KeyError, TermNotFound):  # not in this segment
                return iter(())
        if info.is_inlined():
            ids, weights, vals = info.inlined_postings()
            if not isinstance(weights, list | tuple | array):
                weights = [1.0 if weights is None else weights] * len(ids)
            return iter([(ids, weights, vals) if values else (ids, weights)])
        offset, length = info.extent()
        if isinstance(length, tuple):  # whoosh3 3.54 reads it back as unpack's tuple
            (length,) = length
        data = StructFile(_ShiftedBytes(terms._postfile.get(offset, length), offset))
        m = terms._codec.postings_reader(data, info, field.format)
        m._read_ids, m._read_weights, m._read_values, m._read_data, m._next_block  # noqa: B018
        m._byteids, m._fixedsize, m._maxid  # noqa: B018
    except AttributeError:
        return None

    def blocks():
        while m.is_active():
            if m._byteids or (values and m._fixedsize):  # not how dossier reads them
                m._read_ids()
                m._read_weights()
                if values:
                    m._read_values()
                    yield m._ids, m._weights, m._values
                else:
                    yield m._ids, m._weights
            else:  # as _read_ids/_read_weights decode them, at C speed
                m._read_data()
                ids, weights, vals = m._data
                ids = list(accumulate(ids))
                if weights is None or isinstance(weights, float):
                    weights = [1.0 if weights is None else weights] * len(ids)
                yield (ids, weights, vals) if values else (ids, weights)
            m._next_block()

    return blocks()


def positions_decoder(fmt) -> Callable[[bytes], Iterable[int]]:
    """The positions in one posting's value, for a field of format `fmt`: Whoosh's
    Positions format (the count, then the pickled gaps, pickle's final stop byte
    dropped) read at C speed; any other format by its own decoder."""
    if type(fmt) is not Positions:
        return fmt.decode_positions

    def decode(value: bytes) -> Iterable[int]:
        gaps = value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b"."
        return accumulate(loads(gaps))

    return decode


def expansion_words(node, reader) -> list:
    """The indexed words (bytes) a Prefix or Wildcard query stands for."""
    return list(node._btexts(reader))


def segment_count(ix) -> int:
    try:
        return len(ix._segments())
    except Exception:
        return 0


def write_postings(postwriter, ids, weights, values, lengths, last: bool) -> None:
    """Write one block of a term's postings at once, as `add_posting` called once a
    posting would (same bytes): the fast build's writer fills the block buffers of
    Whoosh 2.7's W3PostingsWriter directly. `lengths` are the field lengths as the
    segment's length column gives them back (0 where it has none). A `last` block is
    left buffered for `finish_postings`, which writes it marked as the last."""
    pw = postwriter
    pw._ids = ids
    pw._weights = weights
    pw._values = values
    pw._maxweight = max(max(weights), 0)
    present = [n for n in lengths if n]
    pw._minlength = min(present) if present else None
    pw._maxlength = max(present) if present else 0
    if not last:
        pw._write_block()


def field_postwriter(fieldwriter):
    """The postings writer of the field a W3FieldWriter is in (after start_field)."""
    return fieldwriter._postwriter
