"""What the live path hears of each frame: the live phone model, and Whisper's ear beside it.

Both live consumers of phone posteriors, the phone loop that hears phones without words
(:class:`audioface.language.recognize.phone_loop.LivePhoneLoop`) and the aligner told the words
(:class:`audioface.language.align.online.OnlineAligner`), hear the same two models: the causal
phone model (:func:`audioface.language.align.acoustic.load_live`) one frame at a time, and, where
tiny.en and its phone head are installed, Whisper's encoder over the newest second
(:mod:`audioface.language.recognize.whisper_live`). The two come at different moments (the ear in
passes of four frames), so each model's frames wait here until the other has heard them too, and
leave mixed: one place decides how the live path's ears are combined. The loop hears the ear by
default; the aligner told the words does not (its misses are phones placed late, which no ear
fixes within the look-ahead, and the ear there gained too little for its CPU: docs/learned-model.md,
"Whisper's ear on the live loop").
"""

from __future__ import annotations

import numpy as np

from audioface.audio.mel import silence
from audioface.language.align import acoustic
from audioface.language.recognize import whisper_live

# Whisper's ear's share of the log posteriors (the live model has the rest). The stream hearing
# phones, held-out speakers, with the live head (whisper_phones.load_live): real English (125)
# 0.945 at 0.55, 0.953 at 0.7, 0.956 at 0.85, 0.955 with the ear alone; ten languages (57) 0.880,
# 0.883, 0.886, 0.894; but roundings with no rounded segment near 132 of 272 at 0.7, 147 of 289
# at 0.85, 156 of 306 alone (bench_false_events.py): past 0.7 the gain is mostly lips rounded
# in the wrong place
EAR_SHARE = 0.7


class LiveEars:
    """Log posteriors, over ``model``'s phones, of frames as audio arrives; ``whisper_ear``:
    hear Whisper's encoder too where it is installed (the caller then gives each push its
    samples)."""

    def __init__(self, model: acoustic.LivePhoneModel, whisper_ear: bool = True):
        self.model = model
        self._state = model.initial_state()
        self._skip = model.lookahead  # the first outputs belong to frames before the start
        self._ear = whisper_live.LiveEar(model.phones) if whisper_ear and whisper_live.available() else None
        self.share = EAR_SHARE if self._ear is not None else 0.0
        ear_priors = self._ear.log_priors if self._ear is not None else 0.0
        self.log_priors = (1 - self.share) * model.log_priors + self.share * ear_priors
        width = len(model.phones)
        self._live = np.zeros((0, width), np.float32)  # the live model's frames the ear has not heard yet
        self._heard = np.zeros((0, width), np.float32)  # the ear's, likewise
        self.given = 0  # frames handed on

    @property
    def hears_whisper(self) -> bool:
        return self._ear is not None

    def push(self, mel: np.ndarray, samples: np.ndarray | None = None) -> np.ndarray:
        """Log-mel frames (100 per second) and the 16 kHz samples they came from; returns the
        mixed log posteriors of the frames both models have now heard."""
        self._hear_live(mel)
        if self._ear is not None and samples is not None:
            self._heard = np.concatenate([self._heard, self._ear.push(samples)])
        return self._both()

    def finish(self) -> np.ndarray:
        """The frames still owed, hearing silence after the end."""
        self._hear_live(silence(self.model.lookahead))
        if self._ear is not None:
            self._heard = np.concatenate([self._heard, self._ear.finish(self.given + len(self._live))])
        return self._both()

    def _hear_live(self, mel: np.ndarray) -> None:
        log_post, self._state = self.model.step(mel, self._state)
        drop = min(self._skip, len(log_post))
        self._skip -= drop
        self._live = np.concatenate([self._live, log_post[drop:]])

    def _both(self) -> np.ndarray:
        """Frames both have heard, mixed, and taken off the queues."""
        n = len(self._live) if self._ear is None else min(len(self._live), len(self._heard))
        rows = self._live[:n]
        if self._ear is not None:
            rows = (1 - self.share) * rows + self.share * self._heard[:n]
            self._heard = self._heard[n:]
        self._live = self._live[n:]
        self.given += n
        return rows
