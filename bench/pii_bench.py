"""PII detection speed: our engine vs Presidio's pattern recognizers on the same corpus.

Run by hand (needs the ``bench`` extra: presidio-analyzer, spacy)::

    python bench/pii_bench.py [N_POSTS] [REPEATS] [--posts FILE.jsonl]

``--posts`` reads the posts from a JSON Lines file (``{"text": ..., "language": ...}`` per
line, as ``monitor scan`` reads them) instead of generating them; the first N_POSTS are used.

Presidio gets a blank English spaCy pipeline saved to a temporary folder (no model
download, works offline) and its default registry of recognizers; both run on one core,
single-threaded, over the same generated posts (tests/pii/corpus.py), after the same
200-post warm-up (our engine compiles some combined patterns on first use). Each side is
timed REPEATS times (default 3) and the median is reported.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from monitor.commands.scan import record_hints
from pipelines.pii import Engine
from tests.pii.corpus import generate


def presidio_analyzer():  # type: ignore[no-untyped-def]
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # Offline: use tldextract's bundled public-suffix snapshot, never the network.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    model_dir = tempfile.mkdtemp(prefix="blank_en_")
    spacy.blank("en").to_disk(model_dir)
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model_dir}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def read_posts(path: str, n: int) -> list[tuple[str, Any]]:
    """The first ``n`` posts of a JSON Lines file as (text, hints), read as ``monitor scan``
    reads them (blank and malformed lines are skipped)."""
    posts = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if len(posts) >= n:
                break
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and isinstance(row.get("text"), str):
                posts.append((row["text"], record_hints(row)))
    if not posts:
        raise SystemExit(f"no posts in {path}")
    return posts


def timed(fn, posts, repeats: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    """Median posts/s over ``repeats`` runs, and every run's figure."""
    for p in posts[:200]:  # warm-up
        fn(p)
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for p in posts:
            fn(p)
        rates.append(len(posts) / (time.perf_counter() - start))
    return statistics.median(rates), rates


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    args = sys.argv[1:]
    source = None
    if "--posts" in args:
        i = args.index("--posts")
        if i + 1 >= len(args):
            raise SystemExit("--posts needs a JSON Lines file")
        source = args[i + 1]
        del args[i : i + 2]
    n = int(args[0]) if args else 2000
    repeats = int(args[1]) if len(args) > 1 else 3
    generated = [] if source else [(p.text, p.language) for p in generate(n, seed=7)]
    posts = read_posts(source, n) if source else generated
    n = len(posts)
    engine = Engine(b"bench-key")
    ours, our_runs = timed(lambda p: engine.scan(p[0], hints=p[1]), posts, repeats)
    analyzer = presidio_analyzer()
    theirs, their_runs = timed(lambda p: analyzer.analyze(p[0], language="en"), posts, repeats)
    chars = sum(len(p[0]) for p in posts) / len(posts)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    origin = source or "the generated corpus"
    print(f"posts: {n} from {origin} (mean {chars:.0f} chars)")
    print(f"python {platform.python_version()}, one core")
    print(f"load average at the end (other jobs share the machine): {load}")
    print(f"runs, posts/s: ours {[round(r) for r in our_runs]}")
    print(f"               Presidio {[round(r) for r in their_runs]}")
    print(f"doxxing-monitor engine : {ours:10.1f} posts/s ({1e6 / ours:.0f} µs/post, median)")
    print(f"Presidio (patterns)    : {theirs:10.1f} posts/s ({1e6 / theirs:.0f} µs/post, median)")
    print(f"ratio                  : {ours / theirs:10.1f}x")


if __name__ == "__main__":
    main()
