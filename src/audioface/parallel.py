"""One parallel map for every stage: items spread over worker processes, results in order,
progress reported as they finish.

Pieces of one recording, corpus items, video segments and training examples
are all independent units of pure work, so they share one pool policy: at most
one worker per core (or ``jobs``), forked where the platform can (workers then
inherit loaded models instead of loading them again), and no pool at all for one
worker, which keeps short jobs free of start-up cost.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def worker_count(jobs: int | None, n_items: int) -> int:
    """Workers for ``n_items``: ``jobs`` or one per core, never more than the items."""
    return max(1, min(jobs or os.cpu_count() or 1, n_items))


def parallel_map(
    fn: Callable[[T], R],
    items: Sequence[T] | Iterable[T],
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]`` over worker processes; ``progress(done, total)`` after each."""
    items = list(items)
    workers = worker_count(jobs, len(items))
    results: list[R] = []
    if workers == 1:
        mapped: Iterable[R] = map(fn, items)
        pool = None
    else:
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        pool = ProcessPoolExecutor(workers, mp_context=ctx)
        mapped = pool.map(fn, items)
    try:
        for result in mapped:
            results.append(result)
            if progress:
                progress(len(results), len(items))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return results
