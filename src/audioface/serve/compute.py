"""The live streams' compute, in processes of its own: the server's event loop only moves bytes.

In one process, the event loop (WebSocket reads, JSON, sends) and the streams' Python (mel
frames, the phone loop, the hold) took turns on one interpreter lock, so 32 streams queued
on it. Here each stream lives in one of a few worker processes (its :class:`StreamAnimator`
never moves: it carries state from chunk to chunk), and the event loop talks to each worker
over a pipe. Calls are batched: while a worker computes one batch, every call that arrives for
it waits, and all of them go in the next message, so a busy server pays the pipe's cost once
per batch, not once per chunk; each answer comes back as soon as it is computed.

A worker that dies (killed, out of memory) closes the streams it held with 1011 and is
replaced for the streams that come after; the others never notice.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import threading
from collections import deque
from multiprocessing.connection import Connection

import numpy as np

from audioface.errors import AudioFaceError

HEARING_COST = 3  # a stream hearing phones costs about three of the model's mouth alone
EAR_COST = 9  # ... and with Whisper's ear (its encoder every 40 ms) about nine more
INTERNAL = 1011  # close code: the server failed, not the client


class ComputeFailed(Exception):
    """A call the stream cannot go on from: ``code`` and ``reason`` close its WebSocket."""

    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


class ComputePool:
    """The worker processes; made and closed in the server's lifespan (spawned, not forked:
    the server runs threads, and a forked copy of a thread's lock can be held forever)."""

    def __init__(self, processes: int):
        if processes < 1:
            raise AudioFaceError("the stream compute needs at least one process")
        self._context = multiprocessing.get_context("spawn")
        self._workers = [_Worker(self._context) for _ in range(processes)]
        self._ids = itertools.count()

    async def open(self, options: dict) -> RemoteStream:
        """A stream whose animator is ``StreamAnimator(**options)``, on the least busy worker;
        bad options raise :class:`AudioFaceError` as the animator would."""
        for k, worker in enumerate(self._workers):
            if not worker.alive:
                self._workers[k] = _Worker(self._context)
        cost = 1
        if options.get("hear_phones", True):
            cost = HEARING_COST + (EAR_COST if options.get("whisper_ear", True) else 0)
        worker = min(self._workers, key=lambda w: w.load)
        stream = RemoteStream(worker, next(self._ids), cost)
        worker.load += cost
        try:
            opened = await worker.call(stream.id, "open", options)
        except BaseException:
            stream.close()
            raise
        stream.fps, stream.latency, stream.hears_phones, stream.sample_rate = opened
        return stream

    async def held(self) -> int:
        """Animators the workers hold: the streams open, once closed ones are dropped."""
        return sum(await asyncio.gather(*(w.call(-1, "held") for w in self._workers if w.alive)))

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()


class RemoteStream:
    """One stream's animator, held by a worker: ``push`` and ``finish`` as on the animator,
    awaited; ``close`` (always, however the stream ends) drops it there."""

    fps: float
    latency: float
    hears_phones: bool
    sample_rate: int

    def __init__(self, worker: _Worker, stream_id: int, cost: int):
        self._worker, self.id, self._cost, self._open = worker, stream_id, cost, True

    async def push(self, pcm: np.ndarray, texts: list[str]) -> np.ndarray:
        return await self._worker.call(self.id, "push", pcm, texts)

    async def finish(self) -> np.ndarray:
        return await self._worker.call(self.id, "finish")

    def close(self) -> None:
        if self._open:
            self._open = False
            self._worker.load -= self._cost
            self._worker.forget(self.id)


class _Worker:
    """One process and the event loop's side of its pipe. Replies are read by a thread of
    its own, not by the event loop: uvloop makes a watched pipe non-blocking, and a reply
    larger than the pipe's buffer then breaks off in the middle."""

    def __init__(self, context):
        ours, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), daemon=True, name="audioface-stream")
        self.process.start()
        theirs.close()
        self.conn: Connection = ours
        self.load = 0
        self.alive = True
        self._queued: list[tuple] = []  # calls not yet sent, and their futures
        self._waiting: list[asyncio.Future] = []
        self._sent: deque[asyncio.Future] | None = None  # the batch being computed, not yet answered
        self._forgotten: list[int] = []  # closed streams the worker still holds
        self._loop: asyncio.AbstractEventLoop | None = None
        threading.Thread(target=self._read, name="audioface-stream-replies", daemon=True).start()

    def call(self, stream_id: int, op: str, *args) -> asyncio.Future:
        self._loop = loop = asyncio.get_running_loop()
        future = loop.create_future()
        if not self.alive:
            future.set_exception(ComputeFailed(INTERNAL, "the stream's compute process stopped"))
            return future
        self._queued.append((stream_id, op, args))
        self._waiting.append(future)
        self._send()
        return future

    def forget(self, stream_id: int) -> None:
        """Drop a stream's animator at the next batch (or now, when the worker is idle)."""
        if self.alive:
            self._forgotten.append(stream_id)
            if self._loop is not None:
                self._send()

    def _send(self) -> None:
        if self._sent is not None or not (self._queued or self._forgotten):
            return
        calls, self._queued = self._queued, []
        self._sent, self._waiting = deque(self._waiting), []
        forgotten, self._forgotten = self._forgotten, []
        try:  # the worker waits on its pipe whenever nothing is sent, so this does not block
            self.conn.send((calls, forgotten))
        except OSError:
            self._died()
            return
        if not calls:  # nothing will be answered: the worker only lets go of streams
            self._sent = None

    def _read(self) -> None:
        """The reply thread: each reply goes to the event loop, and so does the pipe's end."""
        while True:
            try:
                reply = self.conn.recv()
            except (EOFError, OSError):
                reply = None
            try:
                if self._loop is not None and reply is None:
                    self._loop.call_soon_threadsafe(self._died)
                elif self._loop is not None:
                    self._loop.call_soon_threadsafe(self._receive, reply)
            except RuntimeError:  # the loop has closed: the server is gone
                reply = None
            if reply is None:
                self.conn.close()  # only this thread closes the pipe: nothing else reads it
                return

    def _receive(self, reply: tuple[bool, object]) -> None:
        """One call's answer, in the order the calls were sent; the next batch goes once the
        last of this one is answered."""
        future = self._sent.popleft()
        ok, value = reply
        if not future.done():
            if ok:
                future.set_result(value)
            elif value[0] == "bad":
                future.set_exception(AudioFaceError(value[1]))
            else:
                future.set_exception(ComputeFailed(INTERNAL, value[1]))
        if not self._sent:
            self._sent = None
            self._send()

    def _died(self) -> None:
        if not self.alive:
            return
        self.alive = False
        failed = ComputeFailed(INTERNAL, "the stream's compute process stopped")
        for future in [*(self._sent or []), *self._waiting]:
            if not future.done():
                future.set_exception(failed)
        self._sent, self._waiting, self._queued = None, [], []

    def stop(self) -> None:
        if self.alive:
            self.alive = False
            try:
                self.conn.send(None)  # the worker leaves, and its replies' reader sees the end
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()


def _serve(conn: Connection) -> None:
    """A worker's life: batches of calls in, their results out, until the pipe closes."""
    import signal

    from audioface.language.align import acoustic
    from audioface.streaming import StreamAnimator

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then stops us
    StreamAnimator().run(np.zeros(1600, np.float32), 320)  # load the models before the first stream
    acoustic.load_live("en")  # ... and English's live phone model, for streams told English words
    streams: dict[int, StreamAnimator] = {}
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if batch is None:  # the server is stopping
            return
        calls, forgotten = batch
        try:
            for call in calls:  # each answer as soon as it is ready: the first need not wait for the last
                conn.send(_run(streams, *call))
        except OSError:  # the server has gone
            return
        for stream_id in forgotten:  # after the calls: a stream that closed may have had some queued
            streams.pop(stream_id, None)


def _run(streams: dict, stream_id: int, op: str, args: tuple) -> tuple[bool, object]:
    """(True, result) or (False, (kind, one line)): "bad" for the client's fault, else internal."""
    from audioface.streaming import StreamAnimator

    try:
        if op == "held":
            return True, len(streams)
        if op == "open":
            stream = streams[stream_id] = StreamAnimator(**args[0])
            return True, (stream.fps, stream.latency, stream.hears_phones, stream.sample_rate)
        stream = streams[stream_id]
        if op == "push":
            pcm, texts = args
            for text in texts:
                stream.add_text(text)
            return True, stream.push(pcm) if len(pcm) else np.zeros((0, 52), np.float32)
        return True, stream.finish()
    except AudioFaceError as exc:
        return False, ("bad", str(exc))
    except Exception as exc:  # a bug: the stream ends, the worker and its other streams go on
        return False, ("internal", f"internal error ({type(exc).__name__})")
