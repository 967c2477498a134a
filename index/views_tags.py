"""What the Tags screen draws besides the rows themselves, as plain data: the summary
(tags, orphans, rows per topic) and the article × topic matrix. Built from the evidence
rows (index/tags/evidence.rows, resolved in a worker); filtering them again is cheap."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .config import Settings
from .tags.evidence import topic_order

Row = dict  # one evidence row: a tag with one of its topics


@dataclass(frozen=True, slots=True)
class TagsSummary:
    entries: int  # tags (passages and spans) among the rows
    orphans: int  # of them, tags whose text is no longer in their article
    per_topic: tuple[tuple[str, int], ...]  # (topic id, rows), codebook order


@dataclass(frozen=True, slots=True)
class MatrixRow:
    article: str
    title: str
    outlet: str
    counts: tuple[int, ...]  # rows per topic, in the matrix's topic order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class TagMatrix:
    """Articles down (oldest first, then by title), topics across."""

    topics: tuple[str, ...]  # topic ids of the columns
    rows: tuple[MatrixRow, ...]

    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(r.counts[i] for r in self.rows) for i in range(len(self.topics)))


def title(row: Row) -> str:
    return row["title"] or row["article"]


def tags_summary(rows: list[Row], settings: Settings) -> TagsSummary:
    counts = Counter(r["topic"] for r in rows)
    return TagsSummary(
        entries=len({r["id"] for r in rows}),
        orphans=len({r["id"] for r in rows if r["status"] == "orphaned"}),
        per_topic=tuple((t, counts[t]) for t in topic_order(settings, rows)),
    )


def tag_matrix(rows: list[Row], topics: tuple[str, ...]) -> TagMatrix:
    counts = Counter((r["article"], r["topic"]) for r in rows)
    first: dict[str, Row] = {}
    for r in sorted(rows, key=lambda r: (r["date"] or "", title(r))):
        first.setdefault(r["article"], r)
    return TagMatrix(
        topics,
        tuple(
            MatrixRow(aid, title(r), r["outlet_name"], tuple(counts[(aid, t)] for t in topics))
            for aid, r in first.items()
        ),
    )
