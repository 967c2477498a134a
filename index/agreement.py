"""Inter-coder agreement between two tag files of one corpus.

The unit is the passage. For each topic, every passage of the corpus is tagged or not by
coder A and by coder B (a span counts for every passage it overlaps, as `tag:` searches
count it; orphaned tags count for nothing). That gives a 2×2 table per topic — both,
A only, B only, neither — from which:

- agreement: the share of passages on which the two agree, (both + neither) / n, 0..1;
- Cohen's κ: (p_o − p_e) / (1 − p_e), p_e from each coder's own share of tagged passages;
- Krippendorff's α (nominal, two coders, no missing values): 1 − D_o / D_e over the
  coincidence matrix; with n units, N = 2n values, n₁ = 2·both + A only + B only tagged
  values and n₀ = N − n₁, α = 1 − (N − 1)·(A only + B only) / (n₀·n₁).

When a topic has no variance (both coders tagged every passage, or none: p_e = 1,
n₀·n₁ = 0) κ and α are 0/0, undefined: they are None (JSON null) and left out of the
overall means. A topic counts only once a coder used it. `overall` is the mean over topics
of agreement, κ and α (of those defined) and the sum of the counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Settings
from .errors import NotFound
from .model import Article, ArticleInfo
from .stats import passage_topics
from .tags import TagStore
from .tags.model import AddTopics, RemoveTopics, TagEntry, Target

TopicUnits = Mapping[str, set[str]]  # topic -> passage ids carrying it


@dataclass(frozen=True, slots=True)
class Table:
    """One topic's 2×2 table over n passages."""

    both: int
    a_only: int
    b_only: int
    neither: int

    @property
    def n(self) -> int:
        return self.both + self.a_only + self.b_only + self.neither

    @property
    def agreement(self) -> float:
        return (self.both + self.neither) / self.n if self.n else 1.0

    @property
    def kappa(self) -> float | None:
        n = self.n
        if not n:
            return None
        p_o = self.agreement
        a1, b1 = (self.both + self.a_only) / n, (self.both + self.b_only) / n
        p_e = a1 * b1 + (1 - a1) * (1 - b1)
        return None if p_e >= 1 else (p_o - p_e) / (1 - p_e)

    @property
    def alpha(self) -> float | None:
        values = 2 * self.n
        tagged = 2 * self.both + self.a_only + self.b_only
        untagged = values - tagged
        if tagged * untagged == 0:
            return None
        return 1 - (values - 1) * (self.a_only + self.b_only) / (tagged * untagged)


def table(units: Iterable[str], a: set[str], b: set[str]) -> Table:
    units = set(units)
    a, b = a & units, b & units
    both = len(a & b)
    return Table(both, len(a - b), len(b - a), len(units) - len(a | b))


@dataclass(frozen=True, slots=True)
class Disagreement:
    passage: str  # ARTICLE#N
    topic: str
    coder: str  # the coder who tagged it (the other did not)


@dataclass(slots=True)
class Agreement:
    coder_a: str
    coder_b: str
    units: int
    tables: dict[str, Table] = field(default_factory=dict)  # topic -> table, in order
    disagreements: list[Disagreement] = field(default_factory=list)

    def overall(self) -> dict:
        def mean(values: list[float | None]) -> float | None:
            known = [v for v in values if v is not None]
            return sum(known) / len(known) if known else None

        ts = list(self.tables.values())
        return {
            "agreement": mean([t.agreement for t in ts]),
            "kappa": mean([t.kappa for t in ts]),
            "alpha": mean([t.alpha for t in ts]),
            "both": sum(t.both for t in ts),
            "a_only": sum(t.a_only for t in ts),
            "b_only": sum(t.b_only for t in ts),
        }

    def to_json(self) -> dict:
        return {
            "topics": {topic: figures(t) for topic, t in self.tables.items()},
            "overall": self.overall(),
            "disagreements": [
                {"passage": d.passage, "topic": d.topic, "coder": d.coder}
                for d in self.disagreements
            ],
        }


def figures(t: Table) -> dict:
    return {
        "agreement": t.agreement,
        "kappa": t.kappa,
        "alpha": t.alpha,
        "both": t.both,
        "a_only": t.a_only,
        "b_only": t.b_only,
    }


def _passage_key(pid: str) -> tuple[str, int]:
    art, _, n = pid.rpartition("#")
    return art, int(n) if n.isdigit() else 0


def compare(
    units: Sequence[str],
    a: TopicUnits,
    b: TopicUnits,
    coder_a: str,
    coder_b: str,
    codebook: Sequence[str] = (),
) -> Agreement:
    """Agreement of coders a and b over the passage ids `units` (tagged passages outside
    them are added: every tagged passage is a unit). Topics: those either coder used, in
    codebook order, then the others alphabetically."""
    tagged = {p for side in (a, b) for ps in side.values() for p in ps}
    all_units = set(units) | tagged
    used = {t for side in (a, b) for t, ps in side.items() if ps}
    topics = [t for t in codebook if t in used] + sorted(used - set(codebook))
    out = Agreement(coder_a, coder_b, len(all_units))
    found: list[tuple[tuple[str, int], int, Disagreement]] = []
    for i, topic in enumerate(topics):
        mine, theirs = a.get(topic, set()), b.get(topic, set())
        out.tables[topic] = table(all_units, mine, theirs)
        for pid in mine ^ theirs:
            who = coder_a if pid in mine else coder_b
            found.append((_passage_key(pid), i, Disagreement(pid, topic, who)))
    out.disagreements = [d for _, _, d in sorted(found, key=lambda f: (f[0], f[1]))]
    return out


def coder_name(entries: Iterable[TagEntry], path: Path) -> str:
    """The name in the entries' `coder` field (the most frequent), else the file's stem."""
    names = Counter(c for e in entries if (c := getattr(e, "coder", "")))
    return names.most_common(1)[0][0] if names else Path(path).stem


def distinct_names(a: str, b: str) -> tuple[str, str]:
    """Two coder names a reader can tell apart (the same name twice gets A / B)."""
    return (a, b) if a != b else (f"{a} (A)", f"{b} (B)")


# --- two tag files of the corpus ------------------------------------------------------


def units_of(infos: Mapping[str, ArticleInfo]) -> list[str]:
    """Every passage id of the corpus, in article order."""
    return [f"{aid}#{n}" for aid in sorted(infos) for n in range(1, infos[aid].passages + 1)]


def open_tag_file(settings: Settings, path: Path, articles) -> TagStore:
    """Another tag file of the same corpus and codebook, read only by us. Raises
    NotFound when there is no such file, TagFileError when it does not parse."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise NotFound(f"{path}: no such tag file")
    return TagStore.open(replace(settings, tags_file=path), articles)


def by_topic(store: TagStore) -> dict[str, set[str]]:
    """Topic -> passage ids carrying it (spans for each passage they overlap)."""
    out: dict[str, set[str]] = {}
    for pid, topics in passage_topics(store.resolve_all()).items():
        for t in topics:
            out.setdefault(t, set()).add(pid)
    return out


def agree(a: TagStore, b: TagStore, infos: Mapping[str, ArticleInfo]) -> Agreement:
    """Agreement of two tag stores over every passage of the corpus in `infos`."""
    names = distinct_names(coder_name(a.entries(), a.path), coder_name(b.entries(), b.path))
    codebook = [t.id for t in a.settings.topics]
    return compare(units_of(infos), by_topic(a), by_topic(b), *names, codebook)


def take_side(store: TagStore, article: Article, n: int, topic: str, tagged: bool) -> None:
    """Make passage n of article carry topic (tagged) or not in store, as one change
    (one undo step). On: the topic goes on the whole passage. Off: it comes off every tag
    on the passage that has it; a span that crosses into other passages keeps the topic
    there (its parts before and after passage n are tagged with it instead)."""
    if tagged:
        store.add_passage(article, n, [topic])
        return
    ops: list = []
    for a in store.for_article(article):
        if a.orphaned or n not in a.passages or topic not in a.entry.topics:
            continue
        ops.append(RemoveTopics(Target.of_entry(a.entry, article), (topic,)))
        before = min(a.end, article.passage(n - 1).end) if n > 1 else a.start
        if before > a.start:
            ops.append(AddTopics(store.span_target(article, a.start, before), (topic,)))
        after = max(a.start, article.passage(n + 1).start) if n < len(article.passages) else a.end
        if after < a.end:
            ops.append(AddTopics(store.span_target(article, after, a.end), (topic,)))
    if ops:
        store.apply(ops, f"removed {topic} from {article.id}#{n}")
