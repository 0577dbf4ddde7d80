# ruff: noqa: E501
"""Quality on a freshly generated labelled corpus: per-kind span F1 and post-level flags."""

from __future__ import annotations

from collections import Counter

from pipelines.pii import Engine
from tests.pii.corpus import generate

N_POSTS = 1500
SEED = 20261128


def evaluate(n: int = N_POSTS, seed: int = SEED) -> tuple[dict[str, float], float, float]:
    engine = Engine(b"quality-key")
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    post_tp = post_fp = post_fn = 0
    for post in generate(n, seed):
        found = {(f.start, f.end, f.kind) for f in engine.scan(post.text, hints=post.language)}
        gold = set(post.labels)
        for s in found & gold:
            tp[s[2]] += 1
        for s in found - gold:
            fp[s[2]] += 1
        for s in gold - found:
            fn[s[2]] += 1
        if found and gold:
            post_tp += 1
        elif found:
            post_fp += 1
        elif gold:
            post_fn += 1
    f1 = {}
    for kind in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[kind] / max(1, tp[kind] + fp[kind])
        r = tp[kind] / max(1, tp[kind] + fn[kind])
        f1[kind] = 2 * p * r / (p + r) if p + r else 0.0
        print(
            f"{kind:14} P={p:.3f} R={r:.3f} F1={f1[kind]:.3f} (tp={tp[kind]} fp={fp[kind]} fn={fn[kind]})"
        )
    precision = post_tp / max(1, post_tp + post_fp)
    recall = post_tp / max(1, post_tp + post_fn)
    print(f"post-level flag precision={precision:.4f} recall={recall:.4f}")
    return f1, precision, recall


# The issue asks every kind for F1 >= 0.95 and post flags for 0.98; the engine reaches 0.99
# and more on this corpus, so a drop below REGRESSION_FLOOR is a regression to look at (a
# spelled-e-mail rule once cost e-mail 0.97 unnoticed under the 0.95 bar).
REGRESSION_FLOOR = 0.99


def test_quality_on_generated_corpus() -> None:
    f1, precision, recall = evaluate()
    assert len(f1) == 8
    for kind, value in f1.items():
        assert value >= REGRESSION_FLOOR, (kind, value)  # (above the 0.95)
    assert precision >= REGRESSION_FLOOR  # (above the 0.98)
    assert recall >= REGRESSION_FLOOR
