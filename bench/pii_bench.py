"""PII detection speed: our engine vs Presidio's pattern recognizers on the same corpus.

Run by hand (needs the ``bench`` extra: presidio-analyzer, spacy)::

    python bench/pii_bench.py [N_POSTS] [REPEATS]

Presidio gets a blank English spaCy pipeline saved to a temporary folder (no model
download, works offline) and its default registry of recognizers; both run on one core,
single-threaded, over the same generated posts (tests/pii/corpus.py), after the same
200-post warm-up (our engine compiles some combined patterns on first use). Each side is
timed REPEATS times (default 3) and the median is reported.
"""

from __future__ import annotations

import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("OMP_NUM_THREADS", "1")

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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    posts = generate(n, seed=7)
    engine = Engine(b"bench-key")
    ours, our_runs = timed(lambda p: engine.scan(p.text, hints=p.language), posts, repeats)
    analyzer = presidio_analyzer()
    theirs, their_runs = timed(lambda p: analyzer.analyze(p.text, language="en"), posts, repeats)
    chars = sum(len(p.text) for p in posts) / len(posts)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"posts: {n} (mean {chars:.0f} chars), python {platform.python_version()}, one core")
    print(f"load average at the end (other jobs share the machine): {load}")
    print(f"runs, posts/s: ours {[round(r) for r in our_runs]}")
    print(f"               Presidio {[round(r) for r in their_runs]}")
    print(f"doxxing-monitor engine : {ours:10.1f} posts/s ({1e6 / ours:.0f} µs/post, median)")
    print(f"Presidio (patterns)    : {theirs:10.1f} posts/s ({1e6 / theirs:.0f} µs/post, median)")
    print(f"ratio                  : {ours / theirs:10.1f}x")


if __name__ == "__main__":
    main()
