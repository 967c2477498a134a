"""The HTML briefing: one self-contained file a colleague opens in any browser — the
topics (as a tree where topics have a `parent:`), the tagged passages with the tagged
words highlighted, notes, memos, the sources with their titles, URLs and dates, and an
SVG chart of coverage over time. Inline CSS and SVG only: no script, no external
resource (no fonts, images or style sheets fetched).

Everything that comes from an article or a user (text, titles, outlets, notes, memos,
URLs) is escaped with html.escape, piece by piece, so `</mark>` or `<script>` in an
article is shown as those characters; a URL becomes a link only when it is http(s).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from html import escape

from .config import Settings
from .model import Article, ArticleInfo, date_label, outlet_label
from .stats import Coverage, Filters, coverage_of, timeline
from .tags.evidence import topic_order
from .tags.model import now_iso
from .text import plural
from .topics import tree

ArticleLookup = Callable[[str], Article | None]

_HEX = re.compile(r"^#[0-9a-fA-F]{3,8}$")
_NAME = re.compile(r"^[a-z]+$")
_FUNC = re.compile(r"^(rgb|rgba|hsl|hsla)\([0-9.,%\s-]+\)$")

CSS = """
body{font:16px/1.5 Georgia,'Times New Roman',serif;max-width:52rem;margin:2rem auto;
padding:0 1rem;color:#1d1d1f;background:#fff}
h1,h2,h3{font-family:Helvetica,Arial,sans-serif;line-height:1.2}
h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2.5rem}
.meta,.src{color:#555;font-size:.9rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;
margin-right:.4rem;vertical-align:baseline}
ul.tree{list-style:none;padding-left:1.2rem}
blockquote{margin:1rem 0 .3rem;padding:.2rem 1rem;border-left:4px solid #ccc;
background:#fafafa}
blockquote p{margin:.4rem 0}
mark{background:#fff1a8;border-bottom:3px solid #999;padding:0 1px}
.note,.memo{background:#eef5ff;border-radius:4px;padding:.4rem .8rem;margin:.4rem 0;
white-space:pre-wrap}
.memo{background:#f3efff}
.orphaned{color:#a00}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;border-bottom:1px solid #ddd;padding:.3rem .4rem;vertical-align:top}
svg text{font:12px Helvetica,Arial,sans-serif;fill:#333}
@media print{body{max-width:none}h2{break-after:avoid}blockquote{break-inside:avoid}}
"""


def css_colour(colour: str) -> str:
    """A topic colour as CSS (config.yaml has checked it; `ansi_*` names become the CSS
    name of their colour); anything unexpected becomes grey."""
    c = colour.strip().lower()
    c = c.removeprefix("ansi_bright_").removeprefix("ansi_")
    if _HEX.match(c) or _NAME.match(c) or _FUNC.match(c):
        return c
    return "#888888"


def _passages(row: dict, article: Article | None) -> list[tuple[int, str, int, int]]:
    """(n, text, mark start, mark end) for each passage the tag overlaps."""
    if article is None or row["start"] is None or row["status"] == "orphaned":
        return []
    s, e = row["start"], row["end"]
    return [
        (p.n, p.text, max(s, p.start) - p.start, min(e, p.end) - p.start)
        for p in article.passages
        if p.start < e and s < p.end
    ]


def _quote_html(row: dict, article: Article | None, colour: str) -> str:
    found = _passages(row, article)
    if not found:
        quote = escape(row["quote"] or "")
        return f'<blockquote class="orphaned"><p>{quote}</p></blockquote>'
    parts = []
    for _, text, s, e in found:
        parts.append(
            f'<p>{escape(text[:s])}<mark style="border-color:{escape(colour)}">'
            f"{escape(text[s:e])}</mark>{escape(text[e:])}</p>"
        )
    return "<blockquote>" + "".join(parts) + "</blockquote>"


def _link(title: str, url: str | None) -> str:
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}">{escape(title)}</a>'
    return escape(title)


def _chart(cov: Coverage, settings: Settings) -> str:
    """Grouped bars, one group a period, one bar a topic; inline SVG."""
    periods, topics = cov.periods, cov.topics
    if not periods or not topics:
        return '<p class="meta">No dated tags to chart.</p>'
    most = max((max(cov.series(t), default=0) for t in topics), default=0)
    step = max(1, -(-most // 4))  # whole-number ticks, at most five
    peak = step * max(1, -(-most // step))
    width, height, left, bottom, top = 760, 280, 40, 50, 40
    plot_w, plot_h = width - left - 10, height - bottom - top
    group = plot_w / len(periods)
    bar = max(2.0, min(24.0, (group - 6) / len(topics)))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Tagged passages by {cov.by}">',
        f"<title>Tagged passages by {cov.by}</title>",
    ]
    for tick in range(0, peak + 1, step):
        y = top + plot_h * (1 - tick / peak)
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    for i, p in enumerate(periods):
        x0 = left + i * group + (group - bar * len(topics)) / 2
        for j, t in enumerate(topics):
            n = cov.series(t)[i]
            h = plot_h * n / peak
            topic = settings.topic(t)
            colour = css_colour(topic.colour) if topic else "#888888"
            label = escape(topic.label if topic else t)
            out.append(
                f'<rect x="{x0 + j * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 1:.1f}" '
                f'height="{h:.1f}" fill="{escape(colour)}"><title>{label}, {escape(p)}: {n}'
                "</title></rect>"
            )
        cx = left + i * group + group / 2
        out.append(
            f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{escape(p)}</text>'
        )
    x = left
    for t in topics:
        topic = settings.topic(t)
        colour = css_colour(topic.colour) if topic else "#888888"
        label = escape(topic.label if topic else t)
        out.append(
            f'<rect x="{x}" y="12" width="12" height="12" fill="{escape(colour)}"/>'
            f'<text x="{x + 16}" y="22">{label}</text>'
        )
        x += 24 + 8 * len(topic.label if topic else t)
    out.append("</svg>")
    return "".join(out)


def briefing_coverage(
    rows: list[dict], settings: Settings, articles: ArticleLookup, by: str | None = None
) -> Coverage:
    """Coverage of the exported tags over the articles they are in: passages from the
    rows' resolved offsets. By month, or by week when the dates span under 3 months."""
    by_pid: dict[str, set[str]] = {}
    infos: dict[str, ArticleInfo] = {}
    for r in rows:
        infos.setdefault(r["article"], ArticleInfo(r["article"], "", r["outlet"], r["date"], 0))
        for n, *_ in _passages(r, articles(r["article"])):
            by_pid.setdefault(f"{r['article']}#{n}", set()).add(r["topic"])
    if by is None:
        months = timeline((str(i.date)[:7] for i in infos.values() if i.date), "month")
        by = "week" if len(months) < 3 else "month"
    codebook = [t.id for t in settings.topics if any(r["topic"] == t.id for r in rows)]
    return coverage_of(by_pid, infos, codebook, Filters(by=by))


def briefing_html(
    rows: list[dict],
    settings: Settings,
    articles: ArticleLookup,
    memos: Iterable = (),
    title: str = "Evidence briefing",
) -> str:
    """The whole briefing as one HTML document."""
    memos = list(memos)
    cache: dict[str, Article | None] = {}

    def article(aid: str) -> Article | None:
        if aid not in cache:
            cache[aid] = articles(aid)
        return cache[aid]

    per_topic = Counter(r["topic"] for r in rows)
    entries = len({r["id"] for r in rows})
    sources = {r["article"]: r for r in rows}
    tagged = "passage or span" if entries == 1 else "passages and spans"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{entries} tagged {tagged} in {plural(len(sources), "source")} · '
        f"exported {escape(now_iso())}</p>",
        "<h2>Coverage over time</h2>",
        _chart(briefing_coverage(rows, settings, article), settings),
        "<h2>Topics</h2>",
        _topic_tree(settings, per_topic),
    ]
    known = [t.id for t, _ in tree(settings.topics)]
    for tid in known + [t for t in topic_order(settings, rows) if t not in known]:
        mine = [r for r in rows if r["topic"] == tid]
        about = [m for m in memos if getattr(m, "topic", None) == tid]
        if mine or about:
            out.append(_topic_section(settings, tid, mine, about, article))
    out.append(_memo_section(memos, article))
    out.append(_sources(sources, article))
    out.append("</body></html>\n")
    return "\n".join(out)


def _topic_tree(settings: Settings, counts: Mapping[str, int]) -> str:
    out, depth_now = ['<ul class="tree">'], 0
    for topic, depth in tree(settings.topics):
        while depth_now < depth:
            out.append('<ul class="tree">')
            depth_now += 1
        while depth_now > depth:
            out.append("</ul>")
            depth_now -= 1
        desc = f" — {escape(topic.description)}" if topic.description else ""
        out.append(
            f'<li><span class="swatch" style="background:{escape(css_colour(topic.colour))}">'
            f'</span><a href="#topic-{escape(topic.id, quote=True)}">{escape(topic.label)}</a> '
            f'<span class="meta">({counts.get(topic.id, 0)}){desc}</span></li>'
        )
    out.append("</ul>" * (depth_now + 1))
    return "".join(out)


def _memo_html(memo) -> str:
    who = f" — {escape(memo.coder)}" if getattr(memo, "coder", "") else ""
    return f'<div class="memo">{escape(memo.text)}<span class="meta">{who}</span></div>'


def _topic_section(settings, tid, rows, memos, article) -> str:
    topic = settings.topic(tid)
    label = topic.label if topic else tid
    colour = css_colour(topic.colour) if topic else "#888888"
    out = [
        f'<section id="topic-{escape(tid, quote=True)}">',
        f'<h2><span class="swatch" style="background:{escape(colour)}"></span>'
        f"{escape(label)} ({len(rows)})</h2>",
    ]
    if topic and topic.description:
        out.append(f'<p class="meta">{escape(topic.description)}</p>')
    out += [_memo_html(m) for m in memos]
    for r in sorted(rows, key=lambda r: (r["date"] or "", r["article"], r["start"] or 0)):
        art = article(r["article"])
        out.append(_quote_html(r, art, colour))
        where = escape(r["pid"] or r["article"])
        status = "" if r["status"] == "exact" else f' · <span class="orphaned">{r["status"]}</span>'
        out.append(
            f'<p class="src">— {_link(r["title"] or r["article"], art.url if art else None)}, '
            f"{escape(outlet_label(r['outlet']))}, {escape(date_label(r['date']))} · "
            f"{where}{status}</p>"
        )
        if r["note"]:
            out.append(f'<div class="note">Note: {escape(r["note"])}</div>')
    out.append("</section>")
    return "\n".join(out)


def _memo_section(memos: list, article) -> str:
    rest = [m for m in memos if not getattr(m, "topic", None)]
    if not rest:
        return ""
    out = ["<h2>Memos</h2>"]
    for m in rest:
        if getattr(m, "article", None):
            art = article(m.article)
            name = art.title if art else m.article
            out.append(f"<h3>{_link(name, art.url if art else None)}</h3>")
        out.append(_memo_html(m))
    return "\n".join(out)


def _sources(sources: Mapping[str, dict], article) -> str:
    out = ["<h2>Sources</h2>", "<table><tr><th>Title</th><th>Outlet</th><th>Date</th></tr>"]
    for aid, r in sorted(sources.items(), key=lambda kv: (kv[1]["date"] or "", kv[0])):
        art = article(aid)
        url = art.url if art else None
        shown = f'<br><span class="meta">{escape(url)}</span>' if url else ""
        out.append(
            f"<tr><td>{_link(r['title'] or aid, url)}{shown}</td>"
            f"<td>{escape(outlet_label(r['outlet']))}</td>"
            f"<td>{escape(date_label(r['date']))}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)
