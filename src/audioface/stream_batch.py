"""Many live streams, one model call: a stepper that :class:`~audioface.streaming.StreamAnimator`
instances share, so a server's concurrent streams run the live model together.

Each call of the model has a cost that does not depend on how many frames or streams it
carries (thirty-odd operators dispatched, the weights read once), so a server stepping 32
streams one by one pays it 32 times per 20 ms chunk. Here every stream's step waits on one
worker thread, which takes whatever steps are waiting, runs the ones of equal length as one
batch, and hands each stream its own frames and state: the results are exactly those of
stepping alone. Nothing waits for company: a step that arrives alone runs at once, and
batches form only when steps arrive while the model is busy, which is exactly under load.
"""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from concurrent.futures import Future

import numpy as np

from audioface.motion.learned.generator import OnnxGenerator


class SharedStepper:
    """``step(mel, cues, sentence, state)`` for any number of threads, batched behind them."""

    def __init__(self, model: OnnxGenerator, max_batch: int = 64):
        self.model = model
        self.max_batch = max_batch
        self.calls = 0  # model calls made, for tests and benchmarks
        self.steps = 0  # stream steps served
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="audioface-stepper", daemon=True)
        self._thread.start()

    def step(self, mel: np.ndarray, cues, sentence, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if cues is not None or sentence is not None or not self.model.batched:
            return self.model.step(mel, cues, sentence, state)  # not a live audio-only step
        done: Future = Future()
        self._queue.put((mel, state, done))
        return done.result()

    def _serve(self) -> None:
        while True:
            waiting = [self._queue.get()]
            while len(waiting) < self.max_batch:
                try:
                    waiting.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            by_length: dict[int, list] = defaultdict(list)
            for item in waiting:
                by_length[len(item[0])].append(item)
            for items in by_length.values():
                try:
                    results = self.model.step_many([m for m, _, _ in items], [s for _, s, _ in items])
                except Exception as exc:  # each waiting stream gets the error, the thread lives on
                    for _, _, done in items:
                        done.set_exception(exc)
                    continue
                self.calls += 1
                self.steps += len(items)
                for (_, _, done), result in zip(items, results, strict=True):
                    done.set_result(result)
