"""The best passages and the most-hit articles, picked at C speed from up to every
match, are those a full sort gives: ties by document number and by article id."""

import random
from collections import Counter

from index.engine.articlecounts import DocArticles
from index.engine.combined import best
from index.engine.wordscores import TermScores


def test_most_hit_articles_are_those_a_full_sort_gives():
    rng = random.Random(3)
    ids = [f"a{i:05d}" for i in range(5000)]
    rng.shuffle(ids)  # counted in the order of the passages, not of the ids
    want_counts = Counter({a: rng.choice([1, 1, 1, 2, 2, 3, 5, 8]) for a in ids})
    docs = DocArticles([a for a in ids for _ in range(want_counts[a])])
    counts = docs.count(range(len(docs)))
    assert dict(counts) == want_counts
    skip = dict.fromkeys(rng.sample(sorted(counts), 30))
    for room in (1, 50, 170, 400, 4000):
        want = sorted((a for a in counts if a not in skip), key=lambda a: (-counts[a], a))
        assert counts.most(room, skip) == want[:room]


def test_best_passages_are_those_a_full_sort_gives():
    rng = random.Random(5)
    scores = {d: rng.choice([0.5, 1.25, 2.0, 3.5, 7.0]) for d in rng.sample(range(10**6), 20000)}
    listed = TermScores(None, None, sorted(scores), [scores[d] for d in sorted(scores)])
    for limit in (1, 20, 60, 5000):
        want = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        assert best(scores, limit) == want
        assert listed.best(limit) == want, "a word read as lists"


def test_an_ors_scores_are_summed_in_term_order():
    """As a plain loop adds them, term by term: floats summed in another order differ
    in their last bits, and passages tied in Whoosh's ranking would swap places."""
    from index.engine.combined import summed

    rng = random.Random(11)
    for _ in range(30):
        each = [
            {d: rng.uniform(0.1, 9.0) for d in rng.sample(range(400), rng.randint(1, 300))}
            for _ in range(rng.randint(2, 7))
        ]
        want: dict[int, float] = {}
        for scores in each:
            for d, s in scores.items():
                want[d] = want[d] + s if d in want else s
        # a word read whole is kept as lists, one combined before as a dict: both
        parts = [
            TermScores(None, None, sorted(d), [d[k] for k in sorted(d)])
            if n % 2
            else TermScores(d, None)
            for n, d in enumerate(each)
        ]
        assert summed(parts) == want
