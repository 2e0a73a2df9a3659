"""Retrieval index figures (docs/knowledge.md): build, append and query over N synthetic closed-ticket
texts made from the demo content. Baseline in the same run: a full rebuild instead of the append.

    PYTHONPATH=src .venv/bin/python bench/knowledge.py [N]
"""

from __future__ import annotations

import random
import sys
import time

from qitong.adapters.textindex import TextIndex, top
from qitong.demo import content


def _seeds() -> list[str]:
    out = []
    for value in vars(content).values():
        if isinstance(value, tuple):
            out.extend(f"{t.title}。{t.content}" for t in value if hasattr(t, "title") and hasattr(t, "content"))
    return out


def main(n: int) -> None:
    rng = random.Random(1)
    seeds = _seeds()
    texts = [rng.choice(seeds)[: rng.randint(20, 200)] + rng.choice(seeds)[: rng.randint(0, 40)] for _ in range(n)]
    t = time.perf_counter()
    idx = TextIndex(texts)
    build = time.perf_counter() - t
    t = time.perf_counter()
    idx.extended(texts[:50])
    append = time.perf_counter() - t
    queries = [rng.choice(seeds)[:60] for _ in range(50)]
    t = time.perf_counter()
    for q in queries:
        top(idx.scores(q), 8, 0.1)
    query = (time.perf_counter() - t) / len(queries)
    print(f"{n} documents: full build {build:.2f} s; append 50 {append * 1000:.0f} ms "
          f"(x{build / append:.0f} faster than a rebuild); one query {query * 1000:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
