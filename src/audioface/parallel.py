"""One parallel map for every stage: items spread over worker processes, results in order,
progress reported as they finish.

Pieces of one recording, corpus items, video segments and training examples
are all independent units of pure work, so they share one pool policy: at most
one worker per core (or ``jobs``), forked where the platform can (workers then
inherit loaded models instead of loading them again; spawned instead where they may run
Whisper after this process has), and no pool at all for one worker, which keeps short
jobs free of start-up cost.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Generic, TypeVar

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
    whisper_free: bool = False,
) -> list[R]:
    """``[fn(x) for x in items]`` over worker processes; ``progress(done, total)`` after each.
    ``whisper_free``: ``fn`` never runs Whisper, so its workers may be forked even after this
    process has (see :func:`_pool_context`)."""
    items = list(items)
    workers = worker_count(jobs, len(items))
    results: list[R] = []
    if workers == 1:
        mapped: Iterable[R] = map(fn, items)
        pool = None
    else:
        pool = ProcessPoolExecutor(workers, mp_context=_pool_context(whisper_free))
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


def _pool_context(whisper_free: bool):
    """Fork, unless this process has loaded CTranslate2 (Whisper's runtime) and the workers may
    run Whisper: its threads are not copied by fork, and a forked worker's Whisper then waits on
    them forever. Then workers are spawned: they start clean (and load their models
    themselves), which costs them about a second each, so work known not to need Whisper still
    forks. (Not a fork server: it is one per process, and a forked child cannot use its
    parent's.)"""
    if "fork" not in mp.get_all_start_methods():
        return None
    clean = "ctranslate2" in sys.modules and not whisper_free
    return mp.get_context("spawn" if clean else "fork")


class Aside(Generic[R]):
    """``fn()`` computing in a forked process while the caller does other work; see :func:`aside`."""

    def __init__(self, fn: Callable[[], R]) -> None:
        self._done, self._value = False, None
        self._proc = None
        if "fork" not in mp.get_all_start_methods():  # nowhere to fork: computed here, now
            self._value, self._done = fn(), True
            return
        ctx = mp.get_context("fork")
        self._conn, child = ctx.Pipe(duplex=False)
        # the child inherits fn and what it holds by fork: nothing but the result is pickled.
        # Not a daemon: the work may spread over a pool of its own (long audio's pieces)
        self._proc = ctx.Process(target=_run_and_send, args=(fn, child))
        self._proc.start()
        child.close()

    def result(self) -> R:
        """``fn()``'s value, or its exception raised here."""
        if not self._done:
            try:
                ok, value = self._conn.recv()
            except EOFError:
                self._proc.join()
                code = self._proc.exitcode
                raise RuntimeError(f"the worker process ended without a result (exit code {code})") from None
            finally:
                self._close()
            if not ok:
                raise value
            self._value, self._done = value, True
        return self._value

    def _close(self) -> None:
        if self._proc is not None:
            self._conn.close()
            if self._proc.is_alive():
                self._proc.join(timeout=5)
            if self._proc.is_alive():
                self._proc.terminate()
                self._proc.join()
            self._proc = None

    def __enter__(self) -> Aside[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None and not self._done and self._proc.is_alive():
            self._proc.terminate()  # the caller failed or was interrupted: the result is not wanted
        self._close()


def aside(fn: Callable[[], R]) -> Aside[R]:
    """Start ``fn()`` in a forked process and return at once; ``.result()`` waits for it.

    For two pieces of serial work that hold the interpreter lock, such as the language stage and
    loading a compiled renderer, which one process would run one after the other on a machine
    whose second core idles. Use as a context manager, so an error on either side ends the
    other. Where processes cannot fork, ``fn()`` runs at once, here.
    """
    return Aside(fn)


def _run_and_send(fn: Callable[[], R], conn) -> None:
    try:
        result = (True, fn())
    except KeyboardInterrupt:
        return  # the parent has it too
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to be raised there
        result = (False, exc)
    try:
        conn.send(result)
    except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception
        conn.send((False, RuntimeError(f"the worker's result could not be sent back: {exc}")))
    finally:
        conn.close()
