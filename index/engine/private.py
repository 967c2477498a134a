"""Every use of Whoosh's private attributes, in one place.

The search fast path reads postings a block at a time and document lengths a segment
at a time, through attributes Whoosh does not promise to keep (checked against
whoosh-reloaded 2.7.5). `tests/test_whoosh_private.py` fails loudly when an installed
Whoosh no longer has them; elsewhere callers get None and fall back to Whoosh's public
API, which is slower but gives the same results."""

from __future__ import annotations

import io
import os
import struct
import weakref
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, filterfalse, repeat
from operator import add as _add
from operator import sub as _sub
from pickle import dumps, loads
from pickle import load as loads_from
from weakref import WeakKeyDictionary
from zlib import compress, decompress

from whoosh.columns import VarBytesColumn
from whoosh.filedb import filetables as _ft
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Positions
from whoosh.reading import TermNotFound
from whoosh.system import _INT_SIZE, pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

try:  # module-level names of the 2.7 codec
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3TermInfo, _lenfield
except ImportError:  # pragma: no cover - a Whoosh without the 2.7 codec
    LENGTHS_COLUMN = W3TermInfo = _lenfield = None
try:  # what the 2.7 codec writes: a term's first block header, its term info, a row
    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as _BLOCK_MAGIC
    from whoosh.codec.whoosh3 import W3TermInfo
    from whoosh.filedb.filetables import _lengths as _KEY_VALUE_LENGTHS

    _TERMINFO = W3TermInfo._struct
    # a term info's document count: after its "inlined" flag and total weight
    _DOC_FREQUENCY = struct.Struct("!5xI") if _TERMINFO.format == "!BfIBBfII" else None
    _WEIGHT_AND_COUNT = struct.Struct("!xfI")  # a term info's total weight, document count
except (ImportError, AttributeError):  # pragma: no cover - a Whoosh without the 2.7 codec
    _BLOCK_MAGIC = _KEY_VALUE_LENGTHS = _TERMINFO = _DOC_FREQUENCY = _WEIGHT_AND_COUNT = None
try:  # smaller blocks are left uncompressed (whoosh-reloaded; 2.7.4 compresses all)
    from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE
except ImportError:  # pragma: no cover
    COMPRESSION_MIN_SIZE = 0
_FLUSH = 1 << 18  # bytes gathered before a write
_BLOCK_SIZE = struct.Struct("!i")  # a postings block's length (negative: the last)
# A block's (deltas, weights, positions) are pickled with protocol 4, not the codec's 2:
# Whoosh reads any protocol (pickle.loads), and protocol 2 pickles each bytes value
# as a call of _codecs.encode, so reading a block of 128 positions took ~90 µs
# instead of ~6, and the block was twice as long (measured: docs/scaling.md).
_BLOCK_PROTOCOL = 4

_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]


def column_texts(reader, fieldname: str, seen: dict[bytes, str] | None = None) -> list[str] | None:
    """Every document's value of a text column of one segment (a sortable ID field),
    read from the file at once and cut at C speed; None if the column is not the 2.7
    codec's VarBytesColumn. Whoosh's reader reads each value on its own (~700,000
    reads at 100k articles: seconds of a new process's first search). `seen`: the text
    of each value decoded so far (one string a value, shared by a reader's segments)."""
    found = _var_bytes_column(reader, fieldname)
    if found is None:
        return None
    dbfile, base, lengths = found
    data = dbfile.get(base, sum(lengths)) if len(lengths) else b""
    ends = list(accumulate(lengths))
    raws = list(map(data.__getitem__, map(slice, accumulate(lengths, initial=0), ends)))
    seen = {} if seen is None else seen
    new = list(filterfalse(seen.__contains__, dict.fromkeys(raws)))
    seen.update(zip(new, map(bytes.decode, new), strict=True))
    return list(map(seen.__getitem__, raws))


def _var_bytes_column(reader, fieldname: str) -> tuple | None:
    """(file, where its values start, each document's value length) of a VarBytesColumn
    of one segment, read as its Reader reads them, without making one: the Reader
    adds up every offset one at a time (a quarter of opening a 100k-article index).
    None for another column type or a segment without this column."""
    try:
        if type(reader.schema[fieldname].column_type) is not VarBytesColumn:
            return None
        perdoc = reader._perdoc
        if not perdoc.has_column(fieldname):
            return None
        if fieldname not in perdoc._colfiles:
            perdoc._colfiles[fieldname] = perdoc._get_column_file(fieldname)
        dbfile, base, length = perdoc._colfiles[fieldname]
        count = perdoc._doccount
    except (AttributeError, KeyError):
        return None
    # ... values, [offsets, lengths' code, offsets' code, "X"] or [lengths, their code]
    last = base + length - 1
    code = chr(dbfile.get_byte(last))
    if code == "X":
        code = chr(dbfile.get_byte(last - 2))
        last = last - 2 - count * struct.calcsize(chr(dbfile.get_byte(last - 1)))
    lengths = dbfile.get_array(last - struct.calcsize(code) * count, code, count)
    return dbfile, base, lengths


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
        lookup = _lookup_of(terms)
        if not lookup:
            return terms.term_info(fieldname, btext)
        found = lookup(terms._keycoder(fieldname, btext))
        return None if found is None else W3TermInfo.from_bytes(found[1])
    except (KeyError, TermNotFound):
        return None
    except AttributeError:
        return False


def term_infos(reader, fieldname: str, btexts: list[bytes], most: int = 1 << 18) -> dict | None:
    """The term infos of words (sorted, each in this segment), read in one piece of the
    segment's term table, from the first one's row to the last one's (at most `most`
    bytes): the words of a prefix are neighbours there, and a lookup a word cost two
    reads of the file. None when the table cannot be read so or the piece is longer."""
    try:
        terms = reader._terms
        lookup = _lookup_of(terms)
        if not lookup:
            return None
        keys = [terms._keycoder(fieldname, b) for b in (btexts[0], btexts[-1])]
    except AttributeError:
        return None
    first, last = lookup(keys[0]), lookup(keys[-1])
    if first is None or last is None:
        return None
    size = _KEY_VALUE_LENGTHS.size
    start, end = first[0], last[0] + size + len(keys[-1]) + len(last[1])
    if end - start > most:
        return None
    data = lookup.read(start, end - start)
    lengths, wanted, out = _KEY_VALUE_LENGTHS.unpack_from, set(btexts), {}
    pos = 0
    while pos < len(data):
        keylen, datalen = lengths(data, pos)
        key = pos + size
        word = data[key + 2 : key + keylen]
        if word in wanted:
            out[word] = W3TermInfo.from_bytes(data[key + keylen : key + keylen + datalen])
        pos = key + keylen + datalen
    return out


def field_rows(reader, fieldname: str) -> Callable[[], tuple[list[bytes], list[int]]] | None:
    """Every word (bytes) of one field of one segment, in order, and how many documents
    hold each, read from the segment's term table at once (Whoosh's lexicon reads a
    word at a time: ~8 s for the 1.6 million rows of 73 segments at 100k articles).
    Where the rows are is found now (two bisections); they are read when the result is
    called, through a file descriptor of its own, by positioned reads: without holding
    the engine, and a segment at a time (all of them at once were ~150 MB at 100k).
    The rows found are checked against the segment's total length of the field (the
    sum of their words' frequencies, `_sums_to`): a damaged table whose bisection finds
    too few rows raises, as Whoosh's lexicon does. None when the table is not the 2.7 codec's."""
    if _DOC_FREQUENCY is None:
        return None
    try:
        field = reader.schema[fieldname]
        # the words' frequencies sum to the field's length (a field boost scales them)
        total = reader.field_length(fieldname) if field.format.field_boost == 1.0 else None
        terms = reader._terms
        tindex, fnum = terms._tindex, terms._fieldmap.get(fieldname)
        lookup = _lookup_of(terms)
        if not lookup:
            return None
        start = end = 0
        if fnum is not None:
            start = tindex.closest_key_pos(pack_ushort(fnum))
            if start is None:
                start = end = 0
            else:
                end = tindex.closest_key_pos(pack_ushort(fnum + 1)) or tindex.endofdata
    except AttributeError:
        return None
    fd, at = os.dup(lookup.fd), lookup.base + start

    def read() -> tuple[list[bytes], list[int]]:
        try:
            data = os.pread(fd, end - start, at) if end > start else b""
        finally:
            close()
        if len(data) != end - start:
            raise struct.error(f"the rows of field {fieldname!r} are cut short")
        return _rows(data, pack_ushort(fnum or 0), fieldname, total)

    close = weakref.finalize(read, os.close, fd)  # (also if it is never read)
    return read


def _rows(
    data: bytes, head: bytes, fieldname: str, total: int | None
) -> tuple[list[bytes], list[int]]:
    """The words and document counts of a field's rows of a term table (`head`: the
    field's number, which starts each row's key; `total`: the field's length in the
    segment, which their frequencies sum to, if known)."""
    lengths, count = _KEY_VALUE_LENGTHS.unpack_from, _WEIGHT_AND_COUNT.unpack_from
    words: list[bytes] = []
    dfs: list[int] = []
    pos, size, frequencies = 0, _KEY_VALUE_LENGTHS.size, 0.0
    while pos < len(data):
        keylen, datalen = lengths(data, pos)
        key = pos + size
        if data[key : key + 2] != head:  # (what a search checks the files for)
            raise struct.error(f"a row of field {fieldname!r} is not what was written")
        words.append(data[key + 2 : key + keylen])  # (after the field's number)
        weight, df = count(data, key + keylen)
        frequencies += weight
        dfs.append(df)
        pos = key + keylen + datalen
    if pos != len(data) or (total is not None and not _sums_to(frequencies, total)):
        raise struct.error(f"the rows of field {fieldname!r} are not what was written")
    return words, dfs


def _sums_to(frequencies: float, total: float) -> bool:
    """Whether a segment's words' frequencies can sum to the field's `total` length.
    They do exactly in a segment written at once; a segment an update merged sums the
    merged passages' lengths as Whoosh keeps them per passage, a byte each: rounded up,
    by at most 1/11 (a length of 11 kept as 12)."""
    return frequencies <= total <= frequencies * 12 / 11


_lookups: WeakKeyDictionary = WeakKeyDictionary()  # a segment's term table -> its lookup
# A word is looked up in each segment under the same key: hashed once (an OR's words
# in 73 segments hashed ~9,000 times, ~2 µs each).
_HASHED = {fn: lru_cache(maxsize=1 << 14)(fn) for fn in getattr(_ft, "_hash_functions", ())}


def _lookup_of(terms):
    """A segment's term table's `_hash_lookup`, made once (False: none)."""
    lookup = _lookups.get(terms)
    if lookup is None:
        lookup = _lookups[terms] = _hash_lookup(terms._tindex) or False
    return lookup


def _hash_lookup(tindex) -> Callable[[bytes], tuple[int, bytes] | None] | None:
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
    hashfn = _HASHED.get(hashfn, hashfn)
    size = ptr.size

    def lookup(key: bytes) -> tuple[int, bytes] | None:
        """(where its row starts, its value)"""
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
                        return itempos, head[at : at + datalen]
            left -= n
            pos = pos + n * size if pos + n * size < end else tablestart
        return None

    lookup.read = lambda pos, n: pread(fd, n, base + pos)  # type: ignore[attr-defined]
    lookup.fd, lookup.base = fd, base  # type: ignore[attr-defined]
    return lookup


def posting_blocks(
    reader, fieldname: str, btext: bytes, info=None, first: int = 0
) -> Iterator[tuple[list, list]] | None:
    """(document numbers, weights) of a term's postings in one segment, a block at a
    time (`info`: its `term_info`, if looked up already; `first`: added to the numbers,
    the segment's first document in the whole index); None when the segment's postings are not
    the 2.7 codec's."""
    return _blocks(reader, fieldname, btext, values=False, info=info, first=first)


def posting_data(
    reader, fieldname: str, btext: bytes, info=None, first: int = 0
) -> Iterator[tuple[list, list, list]] | None:
    """(document numbers, weights, encoded values) of a term's postings in one segment,
    a block at a time: a block is decoded once for both (a phrase scores its words and
    reads their positions). As for `posting_blocks`."""
    return _blocks(reader, fieldname, btext, values=True, info=info, first=first)


def _shifted(ids, first: int) -> list[int]:
    return list(map(_add, ids, repeat(first))) if first else ids


class _ShiftedBytes(io.BytesIO):
    """A term's postings read into memory, addressed as in the postings file."""

    def __init__(self, data: bytes, base: int):
        super().__init__(data)
        self._base = base

    def seek(self, pos: int, whence: int = 0) -> int:
        return super().seek(pos - self._base if whence == 0 else pos, whence) + self._base

    def tell(self) -> int:
        return super().tell() + self._base


def _blocks(reader, fieldname: str, btext: bytes, values: bool, info=None, first: int = 0):
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
            ids = _shifted(ids, first)
            if not isinstance(weights, list | tuple | array):
                weights = [1.0 if weights is None else weights] * len(ids)
            return iter([(ids, weights, vals) if values else (ids, weights)])
        offset, length = info.extent()
        if isinstance(length, tuple):  # whoosh3 3.54 reads it back as unpack's tuple
            (length,) = length
        raw = terms._postfile.get(offset, length)
        if type(terms._codec).__name__ == "W3Codec" and not (
            values and field.format.fixed_value_size()
        ):
            return _decoded_blocks(raw, values, first)
        data = StructFile(_ShiftedBytes(raw, offset))
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
                    yield _shifted(m._ids, first), m._weights, m._values
                else:
                    yield _shifted(m._ids, first), m._weights
            else:  # as _read_ids/_read_weights decode them, at C speed
                m._read_data()
                ids, weights, vals = m._data
                ids = _shifted(list(accumulate(ids)), first)
                if weights is None or isinstance(weights, float):
                    weights = [1.0 if weights is None else weights] * len(ids)
                yield (ids, weights, vals) if values else (ids, weights)
            m._next_block()

    return blocks()


def _decoded_blocks(raw: bytes, values: bool, first: int = 0) -> Iterator[tuple]:
    """The blocks of a term's postings as the 2.7 codec writes them (W3LeafMatcher's
    `_goto` and `_read_data`; `write_field` writes the same), decoded without a
    matcher: making one was most of reading a word in a few passages of a segment."""
    if raw[:4] != _BLOCK_MAGIC:
        raise struct.error("a postings block tag is not what was written")
    pos, last = 4, False
    while not last:
        (size,) = _BLOCK_SIZE.unpack_from(raw, pos)
        pos += _BLOCK_SIZE.size
        last = size < 0
        block = io.BytesIO(raw[pos : pos + abs(size)])
        pos += abs(size)
        compressed = loads_from(block)[3]  # (count, last id, max weight, compression, ...)
        data = block.read()
        deltas, weights, vals = loads(decompress(data) if compressed else data)
        ids = list(accumulate(deltas, initial=first))  # (numbered in the whole index
        del ids[0]  # as they are decoded: a second pass to add `first` cost as much)
        if weights is None or isinstance(weights, float):
            weights = [1.0 if weights is None else weights] * len(ids)
        yield (ids, weights, vals) if values else (ids, weights)


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


def segments_of(ix) -> list:
    """The segments of an index's latest generation."""
    try:
        return list(ix._segments())
    except Exception:
        return []


def segment_count(ix) -> int:
    return len(segments_of(ix))


def write_field(
    fieldwriter,
    name: str,
    field,
    terms: dict[bytes, list],
    lengths: bytes | None,
    tick: Callable[[], None] | None = None,
    tick_every: int = 2000,
) -> None:
    """Write every term of one field of a new segment through a W3FieldWriter: the
    bytes W3PostingsWriter and the term table would write for the same postings, a
    block of BLOCK at a time (its header, pickled data and block statistics, zlib
    above the codec's minimum size; then the term's row), gathered in memory and
    written 256 kB at a time instead of through a dozen calls a term (profiled:
    ~60 µs a term, and most terms hold one or two postings).

    `terms`: term bytes -> flat list [docnum, weight, value, docnum, ...] in document
    order; `lengths`: each document's length byte as `write_lengths` wrote it (0: no
    length), None for a field without lengths. `tick` is called every `tick_every`
    terms."""
    fw = fieldwriter
    fw.start_field(name, field)
    pw = fw._postwriter
    postfile, limit, level = pw._postfile, pw._blocklimit, pw._compression
    fixed = field.format.fixed_value_size()
    variable = fixed is None or fixed < 0
    tindex = fw._tindex
    tfile, hashfn, buckets = tindex.dbfile, tindex.hashfn, tindex.buckets
    keyhead = pack_ushort(fw._fieldid)
    pbase, pbuf = postfile.tell(), bytearray()
    tbase, tbuf = tfile.tell(), bytearray()
    rows: list[int] = []
    key = b""
    float32: dict = {}  # weight -> the float the codec's array("f") gives back
    for t, tbytes in enumerate(sorted(terms), 1):
        if tick and t % tick_every == 0:
            tick()
        flat = terms[tbytes]
        start = pbase + len(pbuf)
        pbuf += _BLOCK_MAGIC
        n = len(flat) // 3
        if n == 1:  # half the terms: one posting, one block, nothing to gather
            doc, weight, value = flat
            w = float32.get(weight)
            if w is None:
                w = float32[weight] = array("f", (weight,))[0]
            if fixed == 0:
                values = None
            elif variable:
                values = (value,) if value else ()
            else:
                values = value
            data = dumps(((doc,), None if w == 1.0 else w, values), _BLOCK_PROTOCOL)
            comp = level if len(data) >= COMPRESSION_MIN_SIZE else 0
            if comp:
                data = compress(data, comp)
            maxweight = max(w, 0)
            low = high = lengths[doc] if lengths is not None else 0
            info = dumps((1, doc, maxweight, comp, low, high), 2)
            size = len(info) + len(data)
            pbuf += pack_int(-size)
            pbuf += info
            pbuf += data
            total = 0.0 + w
        else:
            total, low, high, maxweight = 0.0, 256, 0, 0
            for b in range(0, n, limit):
                e = min(n, b + limit)
                ids = flat[3 * b : 3 * e : 3]
                weights = array("f", flat[3 * b + 1 : 3 * e : 3])
                first = weights[0]
                if weights.count(first) == len(weights):
                    mini = None if first == 1.0 else first
                else:
                    mini = tuple(weights)
                if fixed == 0:
                    values = None
                else:
                    values = [v for v in flat[3 * b + 2 : 3 * e : 3] if v]
                    values = tuple(values) if variable else b"".join(values)
                deltas = [ids[0]]
                deltas += map(_sub, ids[1:], ids)
                data = dumps((tuple(deltas), mini, values), _BLOCK_PROTOCOL)
                comp = level if len(data) >= COMPRESSION_MIN_SIZE else 0
                if comp:
                    data = compress(data, comp)
                bmax = max(max(weights), 0)
                blow = bhigh = 0
                if lengths is not None:
                    present = bytes(map(lengths.__getitem__, ids)).replace(b"\x00", b"")
                    if present:
                        blow, bhigh = min(present), max(present)
                        low = min(low, blow)
                        high = max(high, bhigh)
                info = dumps((len(ids), ids[-1], bmax, comp, blow, bhigh), 2)
                size = len(info) + len(data)
                pbuf += pack_int(-size if e == n else size)
                pbuf += info
                pbuf += data
                total += sum(weights)
                maxweight = max(maxweight, bmax)
            if low == 256:
                low = 0
        key = keyhead + tbytes
        value = (
            _TERMINFO.pack(False, total, n, low, high, maxweight, flat[0], flat[3 * n - 3])
            + pack_long(start)
            + pack_int(pbase + len(pbuf) - start)
        )
        pos = tbase + len(tbuf)
        rows.append(pos)
        tbuf += _KEY_VALUE_LENGTHS.pack(len(key), len(value))
        tbuf += key
        tbuf += value
        h = hashfn(key)
        buckets[h & 255].append((h, pos))
        if len(pbuf) > _FLUSH:
            postfile.write(pbuf)
            pbase, pbuf = pbase + len(pbuf), bytearray()
        if len(tbuf) > _FLUSH:
            tfile.write(tbuf)
            tbase, tbuf = tbase + len(tbuf), bytearray()
    postfile.write(pbuf)
    tfile.write(tbuf)
    tindex.index.extend(rows)
    if key:
        tindex.lastkey = key
    fw.finish_field()


def write_lengths(perdocwriter, name: str, lengths: Sequence[int]) -> bytes | None:
    """One field's length column and total length in a new segment, every document
    at once (`lengths`: each document's, in order): what W3PerDocWriter.add_field
    writes a document at a time, which was a fifth of the time spent indexing.
    Returns each document's length byte (0: none), None when no document has one."""
    total = sum(lengths)
    if not total:
        return None
    column = _lenfield(name)
    perdocwriter._create_column(column, LENGTHS_COLUMN)
    writer = perdocwriter._colwriters[column]
    every = bytes(map(length_to_byte, lengths))
    # A byte a document, up to the last one with a length (the rest read as 0).
    data = every.rstrip(b"\x00")
    writer._dbfile.write(data)
    writer._count = len(data)
    perdocwriter._fieldlengths[name] += total
    return every
