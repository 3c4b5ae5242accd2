"""Whisper's ears on a live stream: the encoder over the newest audio, a few frames at a time.

Whisper's encoder hears a whole window at once, both ways, so a live stream cannot have what a
file gets (:func:`audioface.language.recognize.whisper_phones.hear`). It can have the next best:
every ``HOP`` frames the newest ``WINDOW`` frames (1 s) are encoded as one short window, and the
phone head's posteriors of the frames that have ``AHEAD`` frames of audio after them are handed
on. The live phone loop hears them beside its own causal model's, and its frames settle no later
than before: a frame's posterior comes at most ``HOP - 1 + AHEAD`` frames after its time, inside
the loop's own look-ahead (:data:`audioface.language.align.acoustic` live model: 6 frames, settled
one frame later).

Why: the live phone model is a small causal network that learnt from a few hours of speech; on
held-out speakers of multilingual-speech it names the mouth's class of 0.585 of the frames, the
whole-file head on these live windows 0.552 and the two together 0.616 (the whole-file head on
whole files: 0.637), see docs/learned-model.md. The head read here is that head retuned on exactly
these frames (``whisper_phones.load_live``, :mod:`audioface.training.whisper_live_head`): the stream
hearing phones, held-out speakers, 0.871 -> 0.883 in ten languages, English 0.938 -> 0.953 (with
the head's multilingual retraining: 0.847 before both). The price is CPU: one encoder pass of
tiny.en per ``HOP`` (about 9 ms of one core per 40 ms of audio).
"""

from __future__ import annotations

import numpy as np

from audioface.audio.mel import HOP_SAMPLES
from audioface.language.recognize import whisper, whisper_phones
from audioface.language.recognize.whisper_runner import N_FFT, encode_window, log10_mel, scaled

WINDOW = 100  # 10 ms frames the encoder hears at once: 1 s (2 s: the same frame accuracy, 2x the CPU)
HOP = 4  # frames between encoder passes
AHEAD = 3  # frames of audio a posterior hears after its own: HOP - 1 + AHEAD fits the loop's 7


def available() -> bool:
    """Whisper's encoder and the phone head are installed."""
    return whisper_phones.available()


class LiveEar:
    """Phone log posteriors of a live stream's frames (100 per second, the frames a
    :class:`audioface.audio.mel.MelStream` of the same samples makes), each once the audio
    ``ahead`` frames after it is in; ``phones`` orders the columns (the loop's phone names).
    Each new frame's spectrum is computed once (a whole window's again, every pass, cost more
    than the encoder: OpenBLAS's threads spin after each large product)."""

    def __init__(self, phones: tuple[str, ...], window: int = WINDOW, hop: int = HOP, ahead: int = AHEAD):
        self.head, self.model = whisper_phones.load_live(), whisper.load_live()
        self._order = [self.head.index[p] for p in phones]
        self.log_priors = self.head.log_priors[self._order]
        self.window, self.hop, self.ahead = window, hop, ahead
        self._samples = np.zeros(N_FFT // 2, np.float32)  # the zeros MelStream pads in front
        self._s0 = 0  # index of self._samples[0] in the stream padded so
        self._mel = np.zeros((self.model.n_mels, 0), np.float32)  # log10 mel of frames _mel_first on
        self._mel_first = 0
        self._encoded = 0  # frames the last encoder pass heard
        self.done = 0  # frames whose posteriors were handed on

    def push(self, samples: np.ndarray) -> np.ndarray:
        """New 16 kHz samples; returns the posteriors of the frames that became ready."""
        frames = self._spectra(samples)
        out: list[np.ndarray] = [np.zeros((0, len(self._order)), np.float32)]
        while frames - self._encoded >= self.hop:  # at fixed frames, so any chunking hears the same
            end = self._encoded + self.hop
            out.append(self._hear(end, end - self.ahead))
        return np.concatenate(out)

    def finish(self, frames: int) -> np.ndarray:
        """The posteriors still owed up to ``frames`` (the stream's end, silence after it)."""
        owed = frames - self.done
        self._spectra(np.zeros(max(0, frames - self._with_spectra) * HOP_SAMPLES + N_FFT, np.float32))
        return whisper_phones.fit(self._hear(frames, frames), owed)

    def _spectra(self, samples: np.ndarray) -> int:
        """Takes new samples; returns how many frames have their spectrum (their window whole)."""
        self._samples = np.concatenate([self._samples, np.asarray(samples, np.float32)])
        have = self._with_spectra
        start = have * HOP_SAMPLES - self._s0  # frame k's window: padded samples [160 k, 160 k + 400)
        new = max(0, (len(self._samples) - start - N_FFT) // HOP_SAMPLES + 1)
        if new:
            idx = start + np.arange(new)[:, None] * HOP_SAMPLES + np.arange(N_FFT)
            # one frame at a time: a float32 product's sums depend on how many columns it has, and
            # the frames must not depend on how the audio was cut
            mel = [log10_mel(frame[None], self.model.filters) for frame in self._samples[idx]]
            self._mel = np.concatenate([self._mel, *mel], axis=1)
            keep = (have + new) * HOP_SAMPLES - self._s0  # the next frame's window starts there
            self._samples, self._s0 = self._samples[keep:], self._s0 + keep
        return have + new

    @property
    def _with_spectra(self) -> int:
        """Frames whose spectrum is computed."""
        return self._mel_first + self._mel.shape[1]

    def _hear(self, frames: int, upto: int) -> np.ndarray:
        """Encodes the window ending at frame ``frames`` and hands on frames up to ``upto``."""
        self._encoded = frames
        start = max(0, frames - self.window)
        feats = scaled(self._mel[:, start - self._mel_first : frames - self._mel_first])
        heard = self.head.log_posteriors(encode_window(self.model, feats, 1))
        heard = np.repeat(heard, 2, axis=0)[: frames - start, self._order]
        out = heard[self.done - start : max(upto, self.done) - start]
        self.done = max(upto, self.done)
        self._mel, self._mel_first = self._mel[:, start - self._mel_first :], start  # no pass starts earlier
        return out
