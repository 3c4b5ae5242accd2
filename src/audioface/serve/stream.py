"""One live stream over a WebSocket: PCM in, final ARKit frames out, until ``end`` or a fault.

Every way a stream can end (the client's ``end``, a vanished client, garbage, an idle
client, the server's limit) runs the same ``finally``: the stream's slot is freed and
its state dropped, so a server that lost a thousand clients holds nothing for them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect

from audioface import arkit
from audioface.errors import AudioFaceError
from audioface.formats import rigs
from audioface.language import AUTO_LANGUAGE, check_language
from audioface.live.livelink import LiveLinkSender
from audioface.motion.generators import LIVE, NAMES, live
from audioface.serve.compute import RemoteStream
from audioface.serve.settings import ServeSettings

ENCODINGS = {"pcm_s16le": np.dtype("<i2"), "f32le": np.dtype("<f4")}
# close codes (RFC 6455 and the registry): normal, unsupported data, bad payload, policy, too big, try later
NORMAL, UNSUPPORTED, BAD_PAYLOAD, POLICY, TOO_BIG, TRY_LATER = 1000, 1003, 1007, 1008, 1009, 1013


class StreamClosed(Exception):
    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


def open_sink(params: dict[str, str], settings: ServeSettings) -> LiveLinkSender | None:
    """The Live Link sender a client asks for with ``sink=livelink`` (and ``subject``): frames
    then also go to the receiver the server was started with, a subject per stream. Clients
    never name addresses, so a server cannot be made to send packets anywhere else."""
    sink = params.get("sink", "none")
    if sink == "none":
        return None
    if sink != "livelink":
        raise AudioFaceError(f"unknown sink {sink!r}; the one sink is livelink")
    if settings.livelink is None:
        raise AudioFaceError("this server has no Live Link receiver: start it with --livelink HOST:PORT")
    subject = params.get("subject", "AudioFace")
    if not 0 < len(subject) <= 64 or not subject.isprintable():
        raise AudioFaceError("subject must be 1 to 64 printable characters")
    return LiveLinkSender(*settings.livelink, subject=subject)


def open_rig(params: dict[str, str]) -> rigs.Binding | None:
    """The rig whose names the frames take (``rig``; None: the 52 ARKit curves as they are).
    A stream has no phone track, so only the rig's ARKit-style shapes are sent."""
    name = params.get("rig")
    return None if name in (None, "arkit") else rigs.bind(rigs.preset(name), None, "arkit")


def open_stream(params: dict[str, str], open_streams: int = 1) -> tuple[dict, np.dtype]:
    """The animator's options (:class:`StreamAnimator`'s arguments) and the sample type a
    client's query parameters ask for; ``open_streams``
    (this one included) decides whether ``phones=auto`` hears phones (see PHONES_UNTIL)."""
    try:
        rate = int(params.get("sample_rate", "16000"))
        fps = float(params.get("fps", "60"))
    except ValueError:
        raise AudioFaceError("sample_rate must be an integer and fps a number") from None
    if not 8000 <= rate <= 192000:
        raise AudioFaceError(f"sample_rate must be between 8000 and 192000, got {rate}")
    encoding = params.get("encoding", "pcm_s16le")
    if encoding not in ENCODINGS:
        raise AudioFaceError(f"unknown encoding {encoding!r}; choose one of {', '.join(ENCODINGS)}")
    name = params.get("generator", LIVE)
    if name not in NAMES:  # a network client names generators, never files on the server
        raise AudioFaceError(f"unknown generator {name!r}; choose one of {', '.join(NAMES)}")
    gate = params.get("gate", "on")
    if gate not in ("on", "off"):
        raise AudioFaceError(f"gate must be on or off, got {gate!r}")
    phones = params.get("phones", "auto")
    if phones not in ("auto", "on", "off"):
        raise AudioFaceError(f"phones must be auto, on or off, got {phones!r}")
    hear = phones == "on" or (phones == "auto" and open_streams <= PHONES_UNTIL)
    language = check_language(params.get("language", AUTO_LANGUAGE))
    options = {"generator": live(name), "fps": fps, "sample_rate": rate, "gate": gate == "on",
               "hear_phones": hear, "language": language,
               "whisper_ear": open_streams <= EAR_UNTIL}  # fmt: skip
    return options, ENCODINGS[encoding]


# Hearing the phones (the live phone model and its loop) costs a stream about two to three times
# the mouth model's compute: with phones=auto the first streams hear them, and those opened while
# more are open get the model's mouth alone, so a busy server keeps real time. 2 cores, 32
# streams of 20 s, p95 delay with the compute in 2 processes: the first 8 hearing them 134-135 ms,
# the first 12 178 ms, the first 16 151 ms (the first 4: 132-135 ms, no better than 8)
PHONES_UNTIL = 8
# Whisper's ear in the phone loop (``StreamAnimator(whisper_ear=...)``) costs a stream about a
# third of a core more: only the first streams get it
EAR_UNTIL = 2


MAX_PENDING_S = 2.0  # audio a stream may have waiting for compute before it stops reading
BUSY_STREAMS = 8  # past this many open streams, each computes its audio in larger steps...
BUSY_STEP_S = 0.04  # ... of at least this much: fewer calls for the same audio, a little later


async def run_stream(ws: WebSocket, stream: RemoteStream, dtype: np.dtype, settings: ServeSettings,
                     sink: LiveLinkSender | None = None, rig: rigs.Binding | None = None,
                     streams: Callable[[], int] = lambda: 1) -> None:  # fmt: skip
    """Serve one accepted stream to its end; raises :class:`StreamClosed` for a bad client.
    Each final frame also goes to ``sink`` when there is one (the caller closes it); the client
    gets the frames in ``rig``'s names when it asked for a rig.

    Reading and computing are two tasks: while one chunk is computed, the next ones wait,
    and the next computation takes all of them in one call. An idle server so answers every
    chunk at once, and a busy one spends its per-call overhead once per backlog instead of
    once per chunk, which is what lets many streams share two cores. With more than
    ``BUSY_STREAMS`` open (``streams()``), each waits for ``BUSY_STEP_S`` of audio before computing,
    so a busy server makes fewer, larger calls instead of falling behind on small ones. The
    animator itself lives in a compute process (:mod:`audioface.serve.compute`)."""
    names = list(arkit.NAMES) if rig is None else list(rig.names)
    await ws.send_text(json.dumps({"type": "hello", "names": names, "fps": stream.fps,
                                   "latency_s": round(stream.latency, 4),
                                   "phones": stream.hears_phones}))  # fmt: skip
    backlog = _Backlog(int(MAX_PENDING_S * stream.sample_rate))
    computing = asyncio.create_task(_compute(ws, stream, backlog, sink, rig, streams))
    try:
        while not computing.done():
            try:
                message = await asyncio.wait_for(ws.receive(), settings.idle_timeout_s)
            except TimeoutError:
                raise StreamClosed(POLICY, f"idle for {settings.idle_timeout_s:g} s") from None
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000))
            data, text = message.get("bytes"), message.get("text")
            if data is not None:
                await backlog.put(_pcm(data, dtype, settings))
            elif text is not None:
                if len(text) > settings.max_message_bytes:
                    raise StreamClosed(TOO_BIG, "message too large")
                kind, words = _control(text)
                if kind == "text":
                    await backlog.put_text(words)  # in order with the audio around it
                    continue
                backlog.close()
                await computing
                return
        await computing  # it failed: its error is the stream's
    finally:
        computing.cancel()


class _Backlog:
    """Audio and text received and not yet computed; the reader waits while it holds ``limit``
    samples (and not once it is closed: a computation that failed must not leave the reader
    waiting). Text goes to the animator before the audio waiting with it: words come ahead
    of their sound, and the animator is only ever touched by the computing task."""

    def __init__(self, limit: int):
        self.chunks: list[np.ndarray] = []
        self.texts: list[str] = []
        self.size, self.limit, self.closed = 0, limit, False
        self.changed = asyncio.Event()

    async def put(self, pcm: np.ndarray) -> None:
        while self.size >= self.limit and not self.closed:
            self.changed.clear()
            await self.changed.wait()
        self.chunks.append(pcm)
        self.size += len(pcm)
        self.changed.set()

    async def put_text(self, text: str) -> None:
        self.texts.append(text)
        self.changed.set()

    def close(self) -> None:
        self.closed = True
        self.changed.set()

    async def take(self, least: int = 0) -> tuple[np.ndarray, list[str]] | None:
        """Everything waiting, at once (audio, texts), when at least ``least`` samples wait (or
        the stream has ended); None once closed and empty."""
        while (not self.chunks and not self.texts) or (self.size < least and not self.closed):
            if self.closed:
                return None
            self.changed.clear()
            await self.changed.wait()
        chunks, self.chunks, self.size = self.chunks, [], 0
        texts, self.texts = self.texts, []
        self.changed.set()
        pcm = (
            np.zeros(0, np.float32)
            if not chunks
            else chunks[0]
            if len(chunks) == 1
            else np.concatenate(chunks)
        )
        return pcm, texts


async def _compute(ws: WebSocket, stream: RemoteStream, backlog: _Backlog, sink: LiveLinkSender | None,
                   rig: rigs.Binding | None, streams: Callable[[], int]) -> None:  # fmt: skip
    sent = 0
    step = int(BUSY_STEP_S * stream.sample_rate)
    try:
        while (got := await backlog.take(step if streams() > BUSY_STREAMS else 0)) is not None:
            frames = await stream.push(*got)
            _to_sink(sink, frames, sent, stream.fps)
            sent = await _send_frames(ws, frames, sent, rig)
        frames = await stream.finish()
        _to_sink(sink, frames, sent, stream.fps)
        sent = await _send_frames(ws, frames, sent, rig)
    finally:
        backlog.close()  # a reader waiting for room goes on, and sees this task has ended
    await ws.send_text(json.dumps({"type": "done", "frames": sent}))
    await ws.close(NORMAL)


def _to_sink(sink: LiveLinkSender | None, frames: np.ndarray, start: int, fps: float) -> None:
    if sink is not None:
        for k, row in enumerate(frames):
            sink.send(start + k, row, None, fps)


def _pcm(data: bytes, dtype: np.dtype, settings: ServeSettings) -> np.ndarray:
    if len(data) > settings.max_message_bytes:
        raise StreamClosed(TOO_BIG, f"audio message over {settings.max_message_bytes} bytes")
    if len(data) % dtype.itemsize:
        raise StreamClosed(UNSUPPORTED, f"audio must be whole {dtype.itemsize}-byte samples")
    pcm = np.frombuffer(data, dtype)
    if dtype.kind == "f" and not np.isfinite(pcm).all():
        raise StreamClosed(UNSUPPORTED, "audio holds NaN or infinite samples")
    return pcm


def _control(text: str) -> tuple[str, str]:
    """(kind, words) of a control message: ("end", "") or ("text", the upcoming words)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        raise StreamClosed(BAD_PAYLOAD, "text messages must be JSON") from None
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind not in ("end", "text"):
        raise StreamClosed(POLICY, 'text messages are {"type": "end"} or {"type": "text", "text": ...}')
    words = doc.get("text", "") if kind == "text" else ""
    if not isinstance(words, str):
        raise StreamClosed(POLICY, 'a text message\'s "text" must be a string')
    return kind, words


async def _send_frames(ws: WebSocket, frames: np.ndarray, sent: int, rig: rigs.Binding | None) -> int:
    if len(frames):
        values = frames.astype(float) if rig is None else rig.weights(frames)
        weights = np.round(values, 4).tolist()
        await ws.send_text(json.dumps({"type": "frames", "start": sent, "weights": weights}))
    return sent + len(frames)
