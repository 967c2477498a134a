"""Bringing articles into the corpus: a web page by URL or a file from elsewhere.

A snapshot is stored under the corpus's `added/` folder, named from its headline, with
`<file>.meta.yaml` beside it: where it came from (url or path), when, and the sha256 of
the bytes stored. Files are written to a hidden temp name and renamed, so a failure
never leaves a partial file that the index would pick up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import socket
import ssl
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import yaml

from .atomic import write_atomic
from .config import Settings
from .errors import DossierError
from .extract import MAX_PAGE_BYTES, PageError, cache_dir_for, decode_page, extract_cached
from .scan import PAGE_SIDECAR, SUFFIXES, split_suffix

ADDED_FOLDER = "added"
TIMEOUT = 20.0  # seconds, for connecting and for the whole download
USER_AGENT = "dossier/0.1 (terminal news reader; saves one page for its user)"
_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain", "text/markdown")


class AddError(DossierError):
    """A URL or file that cannot be added; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    content_type: str
    charset: str | None
    data: bytes
    fetched: str  # ISO time, UTC


@dataclass(frozen=True, slots=True)
class Added:
    source: str  # the URL or path given
    article_id: str
    title: str
    path: Path
    existed: bool = False  # the same bytes were in the corpus already


def is_url(ref: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", ref))


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_PAGE_BYTES) -> Fetched:
    """GET a web page. Raises AddError naming the URL and what went wrong (HTTP status,
    timeout, unknown host, a response that is not HTML or text, a page too large)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddError(f"{url}: not an http(s) URL")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html"})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            ctype, charset = _content_type(resp.headers)
            if ctype not in _PAGE_TYPES + _TEXT_TYPES:
                raise AddError(f"{url}: not a web page (HTTP {resp.status}, {ctype or 'no type'})")
            data = _read(resp, url, max_bytes, deadline, timeout)
            final = resp.geturl()
    except urllib.error.HTTPError as exc:
        raise AddError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise AddError(f"{url}: {_why(exc.reason, timeout)}") from None
    except TimeoutError:
        raise AddError(f"{url}: timed out after {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # connection reset, bad redirect, …
        raise AddError(f"{url}: {_why(exc, timeout)}") from None
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return Fetched(url, final, ctype, charset, data, now)


def _content_type(headers: Message) -> tuple[str, str | None]:
    return headers.get_content_type().lower(), headers.get_content_charset()


def _read(resp, url: str, max_bytes: int, deadline: float, timeout: float) -> bytes:
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise AddError(f"{url}: timed out after {timeout:g} s")
        chunk = resp.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise AddError(f"{url}: page larger than {max_bytes // (1024 * 1024)} MB; not added")
        chunks.append(chunk)


def _why(reason, timeout: float) -> str:
    if isinstance(reason, socket.gaierror):
        return "host not found"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ssl.SSLError):
        return f"secure connection failed ({reason.reason or reason})"
    return str(getattr(reason, "strerror", None) or reason)


# -- storing -------------------------------------------------------------------------


def add_url(
    settings: Settings, url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_PAGE_BYTES
) -> Added:
    """Fetch url and store it as an article of the corpus (not yet indexed)."""
    got = fetch(url, timeout, max_bytes)
    html = got.content_type in _PAGE_TYPES
    title = _check_readable(got.data, html, got.charset, settings, url)
    suffix = ".html" if html else ".txt"
    if not html and got.charset:  # keep text files UTF-8, as the reader expects
        text, _ = decode_page(got.data, got.charset)
        data = text.encode("utf-8")
    else:
        data = got.data
    facts = {"url": got.final_url, "fetched": got.fetched}
    if got.final_url != url:
        facts["requested"] = url
    stem = _slug(title) or _slug_from_url(got.final_url)
    return _store(settings, url, data, stem, suffix, facts, title)


def add_file(settings: Settings, path: str) -> Added:
    """Copy a local file (.txt, .md, .html, .htm, .html.gz) into the corpus."""
    src = Path(path).expanduser()
    if src.resolve().is_relative_to(settings.corpus.resolve()):
        raise AddError(f"{path}: already in the corpus folder; run `dossier index`")
    _, ext = split_suffix(src.name)
    if ext.lower() not in SUFFIXES:
        raise AddError(f"{path}: not an article file (dossier reads {', '.join(SUFFIXES)})")
    try:
        data = src.read_bytes()
    except OSError as exc:
        raise AddError(f"{path}: cannot be read ({exc.strerror})") from None
    html = ext.lower() not in (".txt", ".md")
    title = _check_readable(data, html, None, settings, path) if html else None
    if not data.strip():
        raise AddError(f"{path}: empty file; not added")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    facts = {"copied_from": str(src.resolve()), "copied": now}
    stem, _ = split_suffix(src.name)
    stem = stem if not stem.startswith(".") else _slug(stem) or "article"
    return _store(settings, path, data, stem, ext.lower(), facts, title)


def _check_readable(data, html: bool, charset, settings: Settings, ref: str) -> str | None:
    """The headline, after making sure the page holds an article (so nothing that can
    never be read is stored)."""
    if not html:
        text, _ = decode_page(data, charset)
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
        if not first:
            raise AddError(f"{ref}: empty page; not added")
        return first[:120]
    try:
        got = extract_cached(data, cache_dir_for(settings.index_dir))
    except PageError as exc:
        raise AddError(f"{ref}: {exc}; not added") from None
    return got.title


def _store(
    settings: Settings,
    ref: str,
    data: bytes,
    stem: str,
    suffix: str,
    facts: dict,
    title: str | None,
) -> Added:
    folder = settings.corpus / ADDED_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(data).hexdigest()
    same = _added_before(folder, sha)
    if same is not None:
        return Added(ref, _article_id(settings, same), title or stem, same, existed=True)
    for n in range(1, 1000):
        name = f"{stem}{'' if n == 1 else f'-{n}'}{suffix}"
        target = folder / name
        if not target.exists():
            break
    else:  # pragma: no cover - a thousand pages with one headline
        raise AddError(f"{ref}: too many files named {stem}{suffix} in {folder}")
    facts = {**facts, "sha256": sha, "bytes": len(data)}
    side = Path(str(target) + PAGE_SIDECAR)
    try:
        write_atomic(side, yaml.safe_dump(facts, allow_unicode=True, sort_keys=False).encode())
        write_atomic(target, data)
    except BaseException as exc:
        side.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise AddError(f"{ref}: cannot write {target} ({exc.strerror or exc})") from None
        raise
    return Added(ref, _article_id(settings, target), title or stem, target)


def _added_before(folder: Path, sha: str) -> Path | None:
    """The file already in added/ with these very bytes, whatever its name and however it
    came (a URL and a saved copy of the same page are one article)."""
    for side in folder.glob(f"*{PAGE_SIDECAR}"):
        try:
            recorded = sha in side.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        target = Path(str(side)[: -len(PAGE_SIDECAR)])
        if recorded and _sha_of(target) == sha:  # the file may have been edited since
            return target
    return None


def _sha_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _article_id(settings: Settings, path: Path) -> str:
    rel = path.relative_to(settings.corpus).as_posix()
    return split_suffix(rel)[0]


def _slug(text: str | None, limit: int = 60) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    words = re.findall(r"\w+", text)
    out = ""
    for w in words:
        nxt = f"{out}-{w}" if out else w
        if len(nxt) > limit:
            break
        out = nxt
    return out or (words[0][:limit] if words else "")


def _slug_from_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    last = [p for p in parts.path.split("/") if p]
    stem = split_suffix(last[-1])[0] if last else ""
    return _slug(stem) or _slug(parts.hostname) or "page"


def copy_or_fetch(settings: Settings, ref: str, timeout: float = TIMEOUT) -> Added:
    """add_url for a URL, add_file for anything else."""
    return add_url(settings, ref, timeout) if is_url(ref) else add_file(settings, ref)


def read_list(path: str, stdin=None) -> list[str]:
    """URLs and paths from a list file ('-' for stdin): one a line; blank lines and
    lines starting with # are skipped."""
    if path == "-":
        import sys

        lines = (stdin or sys.stdin).read().splitlines()
    else:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise AddError(f"{path}: cannot read the list ({exc})") from None
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
