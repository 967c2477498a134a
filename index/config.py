"""config.yaml -> typed settings, with errors that name the file, line and key."""

from __future__ import annotations

import difflib
import getpass
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .colours import colour_problem
from .errors import ConfigError
from .query import check as check_query
from .regexcheck import catastrophic
from .yamlpos import node_line, safe_load

DEFAULT_INDEX_DIR = ".dossier-cache/index"
UNKNOWN_CODER = "unknown"


def default_coder() -> str:
    """The system user name (who codes, when config.yaml has no `coder:`)."""
    try:
        name = getpass.getuser().strip()
    except Exception:  # no user name in the environment nor in the password database
        return UNKNOWN_CODER
    return name or UNKNOWN_CODER


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    label: str
    key: str
    colour: str
    description: str = ""
    query: str = ""


@dataclass(frozen=True, slots=True)
class Cleaning:
    navigation: tuple[re.Pattern, ...] = ()
    breadcrumbs: tuple[re.Pattern, ...] = ()  # only in the lines that open an article
    section_label_max_words: int = 2
    boilerplate: tuple[re.Pattern, ...] = ()
    captions: tuple[re.Pattern, ...] = ()
    link_blocks: tuple[re.Pattern, ...] = ()
    datelines: tuple[re.Pattern, ...] = ()


@dataclass(frozen=True, slots=True)
class Settings:
    path: Path  # the config file
    corpus: Path
    index_dir: Path
    tags_file: Path
    topics: tuple[Topic, ...] = ()
    variants: tuple[tuple[str, ...], ...] = ()
    outlets: dict[str, str] = field(default_factory=dict)
    cleaning: Cleaning = field(default_factory=Cleaning)
    theme: str = "textual-dark"
    keys: dict[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()  # glob patterns of corpus files that are not articles
    follow_links_outside: bool = False  # read links that lead out of the corpus folder
    coder: str = field(default_factory=default_coder)  # recorded on every new tag and memo

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


# Every key config.yaml may hold, by section; anything else is an error with "did you
# mean". A new key (e.g. an `ignore:` list of globs) is added here and read below.
TOP_KEYS = (
    "corpus",
    "index",
    "tags",
    "topics",
    "variants",
    "outlets",
    "cleaning",
    "theme",
    "keys",
    "ignore",
    "follow_links_outside",
    "coder",
)
TOPIC_KEYS = ("id", "label", "key", "colour", "description", "query")
CLEANING_KEYS = (
    "navigation",
    "breadcrumbs",
    "section_label_max_words",
    "boilerplate",
    "captions",
    "link_blocks",
    "datelines",
)


_UNCLOSED = ("while parsing a flow", "while scanning a quoted")
_LINE_KEY = re.compile(r"^\s*(?:-\s+)?([\w-]+)\s*:")


class _Doc:
    """The parsed YAML with the line of every key, for messages."""

    def __init__(self, path: Path, text: str):
        self.path = str(path)
        try:
            self.node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            context = getattr(exc, "context", None) or ""
            if context.startswith(_UNCLOSED) and getattr(exc, "context_mark", None):
                # An unclosed bracket or quote is noticed lines later; point at its start.
                what = context.split(" ", 2)[2]
                mark, problem = exc.context_mark, f"{what} is never closed ({problem})"
            line = mark.line + 1 if mark else None
            lines = text.splitlines()
            m = _LINE_KEY.match(lines[line - 1]) if line and line <= len(lines) else None
            key = m.group(1) if m else None
            raise ConfigError(self.path, f"not valid YAML: {problem}", line=line, key=key) from None
        self._no_duplicates(self.node, ())

    def _no_duplicates(self, node, keys: tuple) -> None:
        """YAML lets a later key silently replace an earlier one; say so instead."""
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in node.value:
                name = getattr(k, "value", None)
                if isinstance(name, str) and name in seen:
                    dotted = ".".join(str(x) for x in (*keys, name))
                    raise ConfigError(
                        self.path,
                        "given twice (the second would replace the first)",
                        line=k.start_mark.line + 1,
                        key=dotted,
                    )
                seen.add(name)
                self._no_duplicates(v, (*keys, name))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._no_duplicates(item, (*keys, i))

    def line(self, *keys: str | int) -> int | None:
        return node_line(self.node, *keys)

    def fail(self, reason: str, *keys: str | int) -> ConfigError:
        dotted = ".".join(str(k) for k in keys) if keys else None
        return ConfigError(self.path, reason, line=self.line(*keys), key=dotted)


def _str(doc: _Doc, value: Any, *keys: str | int, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise doc.fail("must be text", *keys)
    return str(value)


def _known_keys(doc: _Doc, raw: dict, known: tuple[str, ...], *keys: str | int) -> None:
    """An unknown key is an error naming the nearest known one ("did you mean")."""
    for k in raw:
        if k in known:
            continue
        name = str(k)
        near = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
        hint = f"did you mean '{near[0]}'?" if near else f"known: {', '.join(known)}"
        raise doc.fail(f"unknown key ({hint})", *keys, name)


def _patterns(doc: _Doc, raw: Any, *keys: str) -> tuple[re.Pattern, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.fail("must be a list of regular expressions", *keys)
    out = []
    for i, item in enumerate(raw):
        text = _str(doc, item, *keys, i)
        try:
            out.append(re.compile(text, re.IGNORECASE))
        except re.error as exc:
            raise doc.fail(f"not a valid regular expression ({exc})", *keys, i) from None
        if why := catastrophic(text):
            raise doc.fail(
                f"'{text}' can take exponential time on some lines ({why}, as in (a+)+ or "
                "(a|a)*); rewrite it so that each character can be matched only one way",
                *keys,
                i,
            )
    return tuple(out)


def _path(doc: _Doc, base: Path, value: Any, key: str, default: str) -> Path:
    text = _str(doc, value, key, default=default)
    p = Path(text).expanduser()
    return p if p.is_absolute() else (base / p)


def _topics(doc: _Doc, raw: Any) -> tuple[Topic, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.fail("must be a list of topics", "topics")
    topics: list[Topic] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise doc.fail("each topic must be a mapping with id, label, key, colour", "topics", i)
        _known_keys(doc, item, TOPIC_KEYS, "topics", i)
        for need in ("id", "label", "key"):
            if item.get(need) in (None, ""):
                raise doc.fail(f"topic is missing '{need}'", "topics", i)
        topic = Topic(
            id=_str(doc, item["id"], "topics", i, "id"),
            label=_str(doc, item["label"], "topics", i, "label"),
            key=_str(doc, item["key"], "topics", i, "key"),
            colour=_str(doc, item.get("colour"), "topics", i, "colour", default="yellow"),
            description=_str(doc, item.get("description"), "topics", i, "description", default=""),
            query=_str(doc, item.get("query"), "topics", i, "query", default=""),
        )
        problem = colour_problem(topic.colour)
        if problem:
            raise doc.fail(problem, "topics", i, "colour")
        if topic.query:
            _, problems = check_query(topic.query)
            if problems:
                raise doc.fail(
                    f"the query does not parse: {'; '.join(problems)}", "topics", i, "query"
                )
        if not re.fullmatch(r"[\w-]+", topic.id):
            raise doc.fail("topic id may hold only letters, digits, _ and -", "topics", i, "id")
        if any(t.id == topic.id for t in topics):
            raise doc.fail(f"topic id '{topic.id}' is used twice", "topics", i, "id")
        if any(t.key == topic.key for t in topics):
            raise doc.fail(f"topic key '{topic.key}' is used twice", "topics", i, "key")
        topics.append(topic)
    return tuple(topics)


def _variants(doc: _Doc, raw: Any) -> tuple[tuple[str, ...], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise doc.fail("must be a list of lists of spellings", "variants")
    out = []
    for i, group in enumerate(raw):
        if not isinstance(group, list) or len(group) < 2:
            raise doc.fail("each entry must list two or more spellings", "variants", i)
        spellings = tuple(_str(doc, s, "variants", i, j) for j, s in enumerate(group))
        for j, s in enumerate(spellings):
            if not re.fullmatch(r"\w+", s):
                raise doc.fail(f"'{s}' is not a single word", "variants", i, j)
        out.append(spellings)
    return tuple(out)


def _mapping(doc: _Doc, raw: Any, key: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise doc.fail("must be a mapping", key)
    return {str(k): _str(doc, v, key, str(k)) for k, v in raw.items()}


def _cleaning(doc: _Doc, raw: Any) -> Cleaning:
    if raw is None:
        return Cleaning()
    if not isinstance(raw, dict):
        raise doc.fail("must be a mapping", "cleaning")
    _known_keys(doc, raw, CLEANING_KEYS, "cleaning")
    max_words = raw.get("section_label_max_words", 2)
    if not isinstance(max_words, int) or isinstance(max_words, bool) or max_words < 0:
        raise doc.fail("must be a whole number", "cleaning", "section_label_max_words")
    datelines = _patterns(doc, raw.get("datelines"), "cleaning", "datelines")
    for i, p in enumerate(datelines):
        if "source" not in p.groupindex and "date" not in p.groupindex:
            raise doc.fail("needs a (?P<date>…) or (?P<source>…) group", "cleaning", "datelines", i)
    return Cleaning(
        navigation=_patterns(doc, raw.get("navigation"), "cleaning", "navigation"),
        breadcrumbs=_patterns(doc, raw.get("breadcrumbs"), "cleaning", "breadcrumbs"),
        section_label_max_words=max_words,
        boilerplate=_patterns(doc, raw.get("boilerplate"), "cleaning", "boilerplate"),
        captions=_patterns(doc, raw.get("captions"), "cleaning", "captions"),
        link_blocks=_patterns(doc, raw.get("link_blocks"), "cleaning", "link_blocks"),
        datelines=datelines,
    )


def _globs(doc: _Doc, raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise doc.fail("must be a list of file patterns such as '*.log' or 'drafts/**'", "ignore")
    out = []
    for i, item in enumerate(raw):
        pattern = _str(doc, item, "ignore", i).strip()
        if not pattern:
            raise doc.fail("an empty pattern would match nothing", "ignore", i)
        out.append(pattern)
    return tuple(out)


def _flag(doc: _Doc, raw: Any, key: str, default: bool) -> bool:
    if raw is None:
        return default
    if not isinstance(raw, bool):
        raise doc.fail("must be true or false", key)
    return raw


def _coder(doc: _Doc, raw: Any) -> str:
    if raw is None:
        return default_coder()
    name = _str(doc, raw, "coder").strip()
    if not name or not name.isprintable():
        raise doc.fail("must be a name on one line (who codes: recorded on every tag)", "coder")
    if len(name) > 100:
        raise doc.fail("must be at most 100 characters", "coder")
    return name


def load_settings(path: str | Path = "config.yaml") -> Settings:
    """Read config.yaml. Raises ConfigError with file, line and key on any problem."""
    path = Path(path).expanduser().resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(path), "no such file (pass --config PATH)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read it ({exc})") from None
    doc = _Doc(path, text)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise doc.fail("the file must be a mapping of settings")
    _known_keys(doc, data, TOP_KEYS)
    base = path.parent
    keys = _mapping(doc, data.get("keys"), "keys")
    return Settings(
        path=path,
        corpus=_path(doc, base, data.get("corpus"), "corpus", "articles"),
        index_dir=_path(doc, base, data.get("index"), "index", DEFAULT_INDEX_DIR),
        tags_file=_path(doc, base, data.get("tags"), "tags", "tags.yaml"),
        topics=_topics(doc, data.get("topics")),
        variants=_variants(doc, data.get("variants")),
        outlets=_mapping(doc, data.get("outlets"), "outlets"),
        cleaning=_cleaning(doc, data.get("cleaning")),
        theme=_str(doc, data.get("theme"), "theme", default="textual-dark"),
        keys=keys,
        ignore=_globs(doc, data.get("ignore")),
        follow_links_outside=_flag(
            doc, data.get("follow_links_outside"), "follow_links_outside", False
        ),
        coder=_coder(doc, data.get("coder")),
    )


def require_corpus(settings: Settings) -> None:
    """A ConfigError naming the `corpus` line when the corpus folder does not exist."""
    if settings.corpus.is_dir():
        return
    try:
        line = _Doc(settings.path, settings.path.read_text(encoding="utf-8")).line("corpus")
    except (OSError, ConfigError):
        line = None
    raise ConfigError(
        str(settings.path),
        f"corpus folder {settings.corpus} does not exist",
        line=line,
        key="corpus",
    )
