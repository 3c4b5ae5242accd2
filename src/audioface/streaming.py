"""Live animation: PCM chunks in, ARKit frames out as soon as they are final.

The causal "stream" model looks 70 ms ahead; the mel window adds 12.5 ms and
resampling model frames (100 per second) to the animation's rate at most one
model frame more, so a frame is final 92.5 ms of audio after its time. Chunks
may be any size (one sample or a minute); the frames are the same for any
chunking, because the convolution history is carried from chunk to chunk
instead of being recomputed, and the language stage settles each frame a
fixed number of frames after it. Without the phones heard (``hear_phones=False``)
they are exactly those of running the same model over the whole recording
(:func:`audioface.animate` with ``generator="stream"``).

    stream = StreamAnimator(fps=60)
    for chunk in microphone():          # float32 or int16, 16 kHz mono
        frames = stream.push(chunk)     # (k, 52), possibly k == 0
    frames = stream.finish()            # the last frames, at end of speech
"""

from __future__ import annotations

import numpy as np

from audioface.audio.live_activity import LiveActivity
from audioface.audio.load import SAMPLE_RATE
from audioface.audio.mel import HOP_SAMPLES, N_MELS, MelStream
from audioface.errors import AudioFaceError
from audioface.frames import check_fps, frame_count
from audioface.language.pronounce import AUTO_LANGUAGE, check_language
from audioface.motion.generators import LIVE, GeneratorSpec, streamed
from audioface.motion.learned import MOUTH_CHANNELS, load_model
from audioface.motion.learned.cues import live_cues, no_cues
from audioface.motion.live_hold import REST_AFTER, REST_RAMP, hold_to_phones

RECENT = 100  # mel frames kept for an aligner that text starts mid-stream (1 s)


class StreamAnimator:
    """One live stream: ``generator`` is a registry name, a model path or a spec (a learned
    model, which hears the audio alone here). ``gate`` rests the mouth where a causal speech
    gate (:class:`LiveActivity`) hears no speech, as a live microphone needs; off, the frames
    are exactly the offline causal model's.

    The language stage hears the phones as the audio arrives (``hear_phones``: a live phone
    loop, :class:`LivePhoneLoop`) and the frames are held to them: lips sealed on P/B/M,
    tucked on F/V, rounded on OO/W, at rest in pauses, with no more look-ahead. ``text`` (or
    :meth:`add_text`, as a voice agent's words become known) makes it align those words
    instead (:class:`OnlineAligner`); a model that takes late phone cues (the shipped stream
    model) is then also told each frame's phone as the aligner settles it. With neither, the
    frames are exactly the offline causal model's. ``language`` says how told words become
    phones (a code, or ``auto``: their script says, else English). ``whisper_ear``: the phone
    loop also hears Whisper's encoder on the newest second of audio, where Whisper is installed
    (:mod:`audioface.language.recognize.whisper_live`: better ears in every language, no more
    look-ahead, about a third of a core per second of audio)."""

    def __init__(
        self,
        generator: str | GeneratorSpec = LIVE,
        fps: float = 60.0,
        sample_rate: int = SAMPLE_RATE,
        gate: bool = False,
        text: str | None = None,
        hear_phones: bool = True,
        language: str = AUTO_LANGUAGE,
        whisper_ear: bool = True,
    ):
        self.fps = check_fps(fps)
        self.language = check_language(language)  # how told words become phones
        self.sample_rate = sample_rate  # of the audio pushed in
        self.spec = streamed(generator)
        self.model = load_model(self.spec.model)
        self._mel = MelStream(self.model.info.n_mels)
        self._state = self.model.initial_state()
        self._skip = self.model.info.lookahead  # the first outputs answer frames before the start
        self._frames = np.zeros((0, 52), np.float32)  # final model frames not yet fully used
        self._first = 0  # model frame index of self._frames[0]
        self._emitted = 0
        self._samples = 0
        self._finished = False
        self._resampler = None
        self._activity = LiveActivity() if gate else None
        self._aligner = None
        self._aligner_mel = None if self.model.info.n_mels == N_MELS else MelStream(N_MELS)
        self._recent = np.zeros((0, N_MELS), np.float32)  # the newest mel frames, for a late aligner
        self._mel_frames = 0
        self._fed = 0  # mel frames the model has stepped over
        if hear_phones:
            from audioface.language.recognize.phone_loop import LivePhoneLoop

            self._aligner = LivePhoneLoop(language=self.language, whisper_ear=whisper_ear)
        if text:
            self.add_text(text)
        if sample_rate != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(sample_rate, SAMPLE_RATE, 1, dtype="float32")

    @property
    def hears_phones(self) -> bool:
        """The frames are held to phones the language stage hears (or to words told)."""
        return self._aligner is not None

    @property
    def latency(self) -> float:
        """Seconds of audio after a frame's time before that frame comes out."""
        return self.spec.lookahead

    def add_text(self, text: str) -> None:
        """Words about to be spoken (after any given before): from now on the frames follow
        their phones. Text should come before its audio; words already heard are not seen."""
        if self._finished:
            raise AudioFaceError("the stream is finished; start a new StreamAnimator")
        from audioface.language.align.online import OnlineAligner, spoken_language

        if not isinstance(self._aligner, OnlineAligner):  # none yet, or phones heard: words now
            language = spoken_language(self.language, text)  # it picks the live phone model
            self._aligner = OnlineAligner(start=self._mel_frames - len(self._recent), language=language)
            self._aligner.push(self._recent)
        self._aligner.add_text(text)

    def push(self, pcm: np.ndarray) -> np.ndarray:
        """Frames that became final with this chunk, (k, 52) in ARKit order."""
        if self._finished:
            raise AudioFaceError("the stream is finished; start a new StreamAnimator")
        x = _as_float(pcm)
        piece = self.sample_rate  # a second at a time: the aligner keeps a few seconds of settled phones
        if len(x) > piece:
            return np.concatenate([self.push(x[i : i + piece]) for i in range(0, len(x), piece)])
        if self._resampler is not None:
            x = self._resampler.resample_chunk(x)
        self._samples += len(x)
        if self._activity is not None:
            self._activity.push(x)
        return self._advance(self._mels(x), final=False)

    def run(self, samples: np.ndarray, chunk: int) -> np.ndarray:
        """A whole recording fed as live audio, ``chunk`` samples at a time, then finished:
        every frame, as a live caller would have received them."""
        parts = [self.push(samples[i : i + chunk]) for i in range(0, len(samples), max(1, chunk))]
        return np.concatenate([*parts, self.finish()])

    def finish(self) -> np.ndarray:
        """The frames still owed at the end of the stream."""
        if self._finished:
            return np.zeros((0, 52), np.float32)
        if self._resampler is not None:
            tail = self._resampler.resample_chunk(np.zeros(0, np.float32), last=True)
            self._samples += len(tail)
            if self._activity is not None:
                self._activity.push(tail)
            out = self._advance(self._mels(tail), final=False)
        else:
            out = np.zeros((0, 52), np.float32)
        pad = np.zeros(self.model.info.lookahead * HOP_SAMPLES, np.float32)  # what the offline run appends
        mel = self._mels(pad, last=True)
        if self._aligner is not None:
            self._aligner.finish()
        self._finished = True
        return np.concatenate([out, self._advance(mel, final=True)])

    def _mels(self, samples: np.ndarray, last: bool = False) -> np.ndarray:
        """The model's log-mel frames of new samples (``last``: and the frames owed at the end);
        the language stage hears the same audio, in its own bands when the model's differ."""
        mel = self._mel.push(samples)
        if last:
            mel = np.concatenate([mel, self._mel.finish()])
        heard = mel
        if self._aligner_mel is not None:
            heard = self._aligner_mel.push(samples)
            if last:
                heard = np.concatenate([heard, self._aligner_mel.finish()])
        self._mel_frames += len(heard)
        if self._aligner is not None:
            self._aligner.push(heard, samples)
        self._recent = np.concatenate([self._recent, heard])[-RECENT:]  # for words that come later
        return mel

    def _advance(self, mel: np.ndarray, final: bool) -> np.ndarray:
        if len(mel):
            cues = self._cues(self._fed, len(mel)) if self.model.info.phones else None
            self._fed += len(mel)
            weights, self._state = self.model.step(mel, cues, None, self._state)
            drop = min(self._skip, len(weights))
            self._skip -= drop
            self._frames = np.concatenate([self._frames, weights[drop:]])
        rate = self.model.info.frame_rate
        last = self._first + len(self._frames) - 1  # newest final model frame
        if final:
            total = frame_count(self._samples / SAMPLE_RATE, self.fps)
        else:
            total = frame_count(last / rate, self.fps) if last >= 0 else 0
            total = max(total, self._emitted)
        pos = np.minimum(np.arange(self._emitted, total) / self.fps * rate, last) - self._first
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, len(self._frames) - 1)
        w = (pos - lo)[:, None]
        out = (
            (self._frames[lo] * (1 - w) + self._frames[hi] * w).astype(np.float32)
            if len(pos)
            else np.zeros((0, 52), np.float32)
        )
        self._emitted = total
        if len(self._frames):  # drop model frames no later animation frame needs; keep the newest
            needed = int(np.floor(total / self.fps * rate)) - 1 - self._first
            keep_from = int(np.clip(needed, 0, len(self._frames) - 1))
            self._frames = self._frames[keep_from:]
            self._first += keep_from
        out[:, ~MOUTH_CHANNELS] = 0.0
        times = np.arange(self._emitted - len(out), self._emitted) / self.fps
        if self._aligner is not None and len(out):
            out = self._hold(out, times)
        if self._activity is not None and len(out):
            out[:, MOUTH_CHANNELS] *= self._activity.gate(times)[:, None]
            self._activity.forget_before(times[-1])
        return np.clip(out, 0.0, 1.0)

    def _cues(self, first: int, n: int) -> np.ndarray:
        """Cues for the model's input frames ``first`` on: a model that takes them (a live one,
        its cues ``cue_delay`` frames late) is told the phone the told words' aligner settled
        that long before each frame; without told words, or where they do not fit the audio,
        it hears the audio alone."""
        from audioface.language.align.online import OnlineAligner

        if not isinstance(self._aligner, OnlineAligner) or not self.model.info.cue_delay:
            return no_cues(n)  # an offline model's cues would be of frames not yet settled
        frames = np.arange(first, first + n) - self.model.info.cue_delay
        phones, present = self._aligner.settled(frames)
        present |= frames < 0  # before the stream's start: silence, as a model is trained to hear it
        return live_cues(phones, present)

    def _hold(self, out: np.ndarray, times: np.ndarray) -> np.ndarray:
        """The frames held to the phones the aligner placed under them."""
        frames = np.rint(times * 100).astype(np.int64)  # aligner frame i stands for time i / 100
        back = int(np.ceil((REST_AFTER + REST_RAMP) * 100))  # enough to know how long a pause has lasted
        runs = self._aligner.phones(int(frames[0]) - back)
        if not runs:
            return out
        ends = np.array([end for _, _, end in runs])
        which = np.minimum(np.searchsorted(ends, frames, side="right"), len(runs) - 1)
        phones = [runs[k][0] for k in which]
        into = (frames - np.array([runs[k][1] for k in which])) / 100
        held = hold_to_phones(out, phones, into)
        trusted = self._aligner.trusted(np.minimum(frames, self._aligner.decided - 1))
        return np.where(trusted[:, None], held, out)  # words that do not fit: the audio's own mouth


def _as_float(pcm: np.ndarray) -> np.ndarray:
    x = np.asarray(pcm)
    if x.ndim == 2:
        x = x.mean(axis=1)
    if x.ndim != 1:
        raise AudioFaceError(f"PCM chunks must be 1-D (mono) or (samples, channels), got shape {x.shape}")
    if np.issubdtype(x.dtype, np.integer):
        return (x.astype(np.float32) / 32768.0).astype(np.float32)
    return x.astype(np.float32)
