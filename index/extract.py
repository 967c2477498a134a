"""Web pages to article text: trafilatura finds the article, we keep its blocks.

Each paragraph, heading, list item, quote and table row of the article becomes one block
of text, blocks separated by a blank line, so cleaning makes each of them a passage.
Results are cached on disk by the sha256 of the page's bytes, so a page is extracted
once per extractor version, however often the index is rebuilt.

trafilatura is imported only when a page is extracted: it costs most of a second to
import, and a corpus without web pages never pays for it.

Kept as one module though over 400 lines: decoding, extraction and the cache are one
pipeline keyed by `extractor_id`, which must change in one place; the separable part,
rendering trafilatura's tree, is index/blocks.py.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import html as htmlmod
import json
import os
import re
import warnings
import zlib
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from .atomic import write_atomic
from .blocks import render_blocks

# Bump when what we ask of trafilatura or how its tree is rendered (index/blocks.py) changes.
RENDER_VERSION = 3
# The options that decide what is extracted (see README: favor_precision scores best).
OPTIONS = {"favor_precision": True, "include_tables": True, "include_comments": False}
MAX_PAGE_BYTES = 8 * 1024 * 1024  # a page beyond this is cut here (a 50 MB page is a dump)
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_BLOCK_TAG = re.compile(
    r"<(?:p|div|br|h[1-6]|ul|ol|li|table|tr|td|blockquote|figure|section|article|img)\b[^>]*>",
    re.I,
)
_ANY_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class PageError(Exception):
    """A page that cannot give an article; the message says why. `lasting` errors (no
    text in the page) are cached; a crash of the extractor is tried again next time."""

    def __init__(self, message: str, lasting: bool = True):
        super().__init__(message)
        self.lasting = lasting


@dataclass(slots=True)
class Extracted:
    """What a page gives: the article text (blocks separated by a blank line) and the
    facts the page states about itself."""

    text: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD
    outlet: str | None = None  # the site's name (or host)
    author: str | None = None
    url: str | None = None  # canonical URL
    chars_in: int = 0  # characters of the decoded page
    extractor: str = ""
    notes: list[str] = field(default_factory=list)  # decoding or size warnings

    def summary(self) -> str:
        return (
            f"extracted from HTML by {self.extractor}: "
            f"{len(self.text):,} of {self.chars_in:,} characters kept"
        )


def is_html_path(path: str) -> bool:
    return path.lower().endswith(HTML_SUFFIXES)


@cache
def extractor_id() -> str:
    """Name and version of the extractor and of our rendering; part of the index
    fingerprint and of every cache entry, so an upgrade re-extracts."""
    from importlib.metadata import PackageNotFoundError, version  # ~10 ms: only when asked

    try:
        tv = version("trafilatura")
    except PackageNotFoundError:  # pragma: no cover - a declared dependency
        tv = "missing"
    return f"trafilatura {tv} (render {RENDER_VERSION})"


def extractor_name() -> str:
    return extractor_id().split(" (")[0]


# -- bytes to text --------------------------------------------------------------------


def gunzip(data: bytes, limit: int = MAX_PAGE_BYTES) -> bytes:
    """A gzip file's content, at most `limit` bytes of it (a bomb stops there)."""
    try:
        return zlib.decompressobj(31).decompress(data, limit)
    except zlib.error as exc:
        raise PageError(f"not a readable gzip file ({exc})") from None


def read_page(path: str | os.PathLike) -> tuple[bytes, list[str]]:
    """The bytes of a saved page (un-gzipped), cut at MAX_PAGE_BYTES with a note.
    Raises PageError for empty or binary files; a truncated gzip gives what it holds."""
    notes: list[str] = []
    gz = str(path).lower().endswith(".gz")
    with open(path, "rb") as fh:
        data = fh.read(4 * MAX_PAGE_BYTES if gz else MAX_PAGE_BYTES + 1)
        size = os.fstat(fh.fileno()).st_size
    if gz or data[:2] == b"\x1f\x8b":
        data = gunzip(data, MAX_PAGE_BYTES + 1)
        if len(data) > MAX_PAGE_BYTES:
            notes.append(f"page unpacks to more than {_mb(MAX_PAGE_BYTES)}; only that much read")
    elif size > MAX_PAGE_BYTES:
        notes.append(f"page is {_mb(size)}; only the first {_mb(MAX_PAGE_BYTES)} read")
    data = data[:MAX_PAGE_BYTES]
    if not data.strip():
        raise PageError("empty page")
    if _looks_binary(data):
        raise PageError("looks binary, not a web page")
    return data, notes


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return b"\x00" in head or controls > len(head) // 20


def decode_page(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Bytes of a page to text: BOM, UTF-8, then the charset the page (or the server,
    `declared`) names, then detection. Returns the text and a note when the page's
    bytes did not match what it declared or needed guessing."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16")):
        if data.startswith(bom) or (enc == "utf-16" and data.startswith(codecs.BOM_UTF16_BE)):
            return data.decode(enc, errors="replace").lstrip("\ufeff"), None
    named = declared or _named_charset(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = exc.start
    else:
        return text, None
    if named and _codec(named) not in (None, "utf-8"):
        try:
            return data.decode(_codec(named)), None
        except UnicodeDecodeError:
            pass
    guess = _detect(data)
    said = f"declares {named}" if named else "names no charset"
    if guess:
        return data.decode(guess, errors="replace"), (
            f"page {said} but is not valid UTF-8 (byte {bad}); read as {guess}"
        )
    return data.decode("cp1252", errors="replace"), (
        f"page {said} but is not valid UTF-8 (byte {bad}); read as Windows-1252"
    )


def _named_charset(data: bytes) -> str | None:
    head = data[:8192]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii", "replace").lower() if m else None


def _codec(name: str) -> str | None:
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    # Browsers read latin-1 and ascii labels as Windows-1252 (WHATWG encoding spec).
    return "cp1252" if found in ("latin-1", "iso8859-1", "ascii") else found


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes  # installed with trafilatura
    except ImportError:  # pragma: no cover
        return None
    sample = data if len(data) < 200_000 else data[:100_000] + data[-100_000:]
    best = from_bytes(sample).best()
    return _codec(best.encoding) if best else None


# -- extraction ----------------------------------------------------------------------


def extract_html(
    data: bytes | str, url: str | None = None, charset: str | None = None, fragment: bool = False
) -> Extracted:
    """The article in a web page (bytes or text). `fragment` marks markup that is an
    article body already (a WordPress export): then nothing is left out as page
    furniture. Raises PageError when the page holds no article text."""
    notes: list[str] = []
    if isinstance(data, bytes):
        html, note = decode_page(data, charset)
        if note:
            notes.append(note)
    else:
        html = data
    html = html.replace("\x00", "")
    if not html.strip():
        raise PageError("empty page")
    try:
        doc = _bare(html, url, fragment)
    except Exception as exc:  # a page must never stop a build, whatever trips the extractor
        raise PageError(f"extraction failed ({type(exc).__name__}: {exc})", False) from None
    if doc is None or doc.body is None:
        raise PageError("no article text found in the page")
    text = "\n\n".join(render_blocks(doc.body))
    if not text.strip():
        raise PageError("no article text found in the page")
    outlet = _outlet(_clean_field(doc.sitename)) or _clean_field(doc.hostname)
    return Extracted(
        text=text,
        title=page_title(_clean_field(doc.title), outlet, _clean_field(doc.hostname)),
        date=_iso(doc.date),
        outlet=outlet,
        author=_clean_field(doc.author),
        url=_clean_field(doc.url) or url,
        chars_in=len(html),
        extractor=extractor_name(),
        notes=notes,
    )


def _bare(html: str, url: str | None, fragment: bool):
    with warnings.catch_warnings():  # date parsing warns about time zones it guesses
        warnings.simplefilter("ignore")
        return _bare_quiet(html, url, fragment)


def _bare_quiet(html: str, url: str | None, fragment: bool):
    import logging

    from trafilatura import bare_extraction

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    if fragment:
        page = f"<html><body><article>{html}</article></body></html>"
        return bare_extraction(
            page, url=url, favor_recall=True, include_tables=True, include_comments=False
        )
    # No "extensive" date search: it guesses from free text (on the shared newspaper set,
    # 7 of its 9 extra dates were a bare year read as January 1) and, loading every
    # dateparser locale, halves the speed.
    dates = {"original_date": True, "extensive_search": False}
    doc = bare_extraction(
        html, url=url, with_metadata=True, date_extraction_params=dates, **OPTIONS
    )
    if doc is None or doc.body is None or not len(doc.body):
        # favor_precision finds nothing on a few pages that do hold an article
        relaxed = {**OPTIONS, "favor_precision": False}
        doc = bare_extraction(
            html, url=url, with_metadata=True, date_extraction_params=dates, **relaxed
        )
    return doc


def _clean_field(value) -> str | None:
    if value is None:
        return None
    value = _SPACES.sub(" ", str(value)).strip()
    return value or None


_TITLE_SEP = re.compile(r"\s+(?:\||-|–|—|::|·|•)\s+|:\s+(?=[^:]+$)")


def page_title(title: str | None, outlet: str | None, host: str | None) -> str | None:
    """The headline without the site's name that pages append ('… | WIRED',
    '… - Telegraph'): a last part naming the outlet or host goes, as does a short last
    part after ' | '."""
    if not title:
        return None
    title = _clean_field(htmlmod.unescape(title)) or ""
    names = {_alnum(n) for n in (outlet, host, (host or "").removeprefix("www.")) if n}
    names |= {n.split("com")[0] for n in names if n.endswith("com")}
    for _ in range(2):
        parts = _TITLE_SEP.split(title)
        seps = _TITLE_SEP.findall(title)
        if len(parts) < 2:
            break
        last, head = parts[-1], title[: title.rfind(seps[-1])]
        named = _alnum(last) and any(_alnum(last) in n or (n and n in _alnum(last)) for n in names)
        piped = seps[-1].strip() == "|" and len(last.split()) <= 6 and len(head.split()) >= 3
        if not (named or piped) or len(head.split()) < 2:
            break
        title = head.strip()
    return title or None


def _alnum(text: str | None) -> str:
    return "".join(ch for ch in (text or "").casefold() if ch.isalnum())


def _outlet(name: str | None) -> str | None:
    """A site name, unless the page put something else there (a copyright line, a
    year, a sentence)."""
    if not name or name.isdigit() or name.casefold().startswith("copyright"):
        return None
    return name if len(name) <= 60 and len(name.split()) <= 6 else None


def _iso(value) -> str | None:
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    return "-".join(m.groups()) if m else None


# -- markup inside text files --------------------------------------------------------


def is_markup(body: str) -> bool:
    """True for text that is HTML markup rather than prose with a stray tag: several
    block tags, on most of its lines or densely in one long line."""
    if "<" not in body:
        return False
    blocks = len(_BLOCK_TAG.findall(body))
    if blocks < 3:
        return False
    lines = [ln for ln in body.split("\n") if ln.strip()]
    tagged = sum(1 for ln in lines if _ANY_TAG.search(ln))
    return tagged >= 0.3 * len(lines) or blocks * 400 >= len(body)


# -- the cache -----------------------------------------------------------------------


def cache_dir_for(index_dir: Path) -> Path:
    """Beside the index (`.dossier-cache/extract` by default), so a rebuild keeps it."""
    return Path(index_dir).parent / "extract"


def page_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def extract_cached(
    data: bytes,
    cache_dir: Path | None,
    notes: list[str] | None = None,
    fragment: bool = False,
) -> Extracted:
    """extract_html through the on-disk cache (keyed by the page's sha256 and the
    extractor). A page without article text is cached too, as its error."""
    key = page_key(data) + ("-body" if fragment else "")
    path = cache_dir / f"{key}.json" if cache_dir else None
    hit = _load(path)
    if hit is None:
        try:
            got = extract_html(data, fragment=fragment)
            hit = {"extractor": extractor_id(), "ok": asdict(got)}
        except PageError as exc:
            if not exc.lasting:
                raise
            hit = {"extractor": extractor_id(), "error": str(exc)}
        _store(path, hit)
    if "error" in hit:
        raise PageError(hit["error"])
    got = Extracted(**hit["ok"])
    got.notes = list(notes or []) + got.notes
    return got


def _load(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        hit = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(hit, dict) or hit.get("extractor") != extractor_id():
        return None
    if not isinstance(hit.get("ok"), dict) and "error" not in hit:
        return None
    return hit


def _store(path: Path | None, entry: dict) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entry, ensure_ascii=False))
    except OSError:
        pass  # a cache that cannot be written only costs time


def extract_file(path: str, cache_dir: Path | None) -> Extracted:
    """A saved page on disk to its article (cached). Raises PageError."""
    try:
        data, notes = read_page(path)
    except OSError as exc:
        raise PageError(f"cannot be read ({exc.strerror})") from None
    return extract_cached(data, cache_dir, notes=notes)


def warm_cache(path: str, cache_dir: str) -> bool:
    """Extract one page into the cache (run in a worker process). True when the page
    was extracted now, False when the cache had it or it failed to read."""
    try:
        data, _ = read_page(path)
    except (OSError, PageError):
        return False
    if _load(Path(cache_dir) / f"{page_key(data)}.json") is not None:
        return False
    with contextlib.suppress(PageError):
        extract_cached(data, Path(cache_dir))
    return True
