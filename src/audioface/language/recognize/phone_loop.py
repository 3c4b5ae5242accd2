"""Phones heard without words: a free phone loop over the learned aligner's posteriors.

The phone model that times a transcript (:mod:`audioface.language.align.acoustic`) was trained on
real read speech, so it also hears which phone is being spoken when there are no words to
align. Any phone may follow any other, each lasts at least ``MIN_FRAMES``, and one Viterbi pass
(the forced aligner's own recursion, :func:`audioface.language.align.forced.viterbi`) finds the best
sequence. No language model and no insertion penalty: on held-out real speakers both only cost
closures (see docs/learned-model.md, "Phones heard without words"). A whole file is heard by the
offline and the live phone model together: trained apart, they err apart.
"""

from __future__ import annotations

from collections import deque
from functools import lru_cache

import numpy as np

from audioface.language.align import acoustic
from audioface.language.align.forced import FRAME, MIN_FRAMES, Graph, step, viterbi
from audioface.language.recognize import whisper_phones
from audioface.language.recognize.live_ears import LiveEars

# How much of the class prior to divide out of the posteriors. Alignment divides out less
# (acoustic.PRIOR_SCALE): there the words already say which phones come. Free recognition needs
# more, or the common classes (silence, schwa) swallow the short rare ones: held-out real
# speakers scored 0.904 with none divided out, 0.919 with 0.6, 0.916 with all of it.
PRIOR_SCALE = 0.6
SILENCE = "sil"
# Nats taken off P/B/M in the live loop. Held-out real speakers (40 utterances): with none,
# closures 0.889 but 27% of the live seals fall on other phones (the model alone: 13%); 0.5:
# closures 0.867, 21%; 1.0: closures 0.778, 15%
LIVE_BILABIAL = 0.5
# The live phone model's share of the posteriors a whole file's loop hears (log domain, the
# offline model has the rest). Two models trained apart err apart: held-out real speakers
# (125) 0.933, closures 0.870 with half each, against 0.927 and 0.849 with the offline model
# alone, and no more false seals (61 of 485 against 61 of 482); a quarter 0.924, three
# quarters 0.926 (40 utterances, every third, where half scored 0.928)
LIVE_SHARE = 0.5
# Whisper's encoder's share (:mod:`audioface.language.recognize.whisper_phones`; tiny.en is in the core
# install); the two aligner models share the rest as above. Held-out real speakers (125):
# 0.959, closures 0.952, 20 of 445 seals false, against 0.933, 0.870 and 61 of 485 without;
# on every third (40) a third 0.938, half 0.947, two thirds 0.950, 0.85 0.944, and half the
# better on emur-ae and corpus/dev
WHISPER_SHARE = 0.5
# The live loop mixes its ears as :mod:`audioface.language.recognize.live_ears` decides.

RawPhone = tuple[str, float, float]  # ARPAbet name (no stress), start s, end s


@lru_cache(maxsize=4)
def loop_graph(n_phones: int, min_frames: int = MIN_FRAMES) -> Graph:
    """Every phone a chain of ``min_frames`` states whose last one loops; any phone's last
    state leads into any phone's first (the same phone again included)."""
    first = np.arange(n_phones) * min_frames
    last = first + min_frames - 1
    width = max(n_phones, 2)
    preds = np.full((n_phones * min_frames, width), -1, np.int64)
    for c in range(n_phones):
        for j in range(min_frames):
            s = first[c] + j
            if j == 0:
                preds[s, :n_phones] = last
            else:
                preds[s, :2] = (s - 1, s) if j == min_frames - 1 else (s - 1, -1)
    cls = np.repeat(np.arange(n_phones), min_frames)
    phone = np.tile(np.arange(min_frames), n_phones)
    return Graph(cls, np.full(len(cls), -1), phone, preds, first, last)


def _runs(cls: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of one class: a phone said twice running scores as one said
    long (no penalty tells them apart), so it is one run."""
    bounds = np.r_[0, np.flatnonzero(cls[1:] != cls[:-1]) + 1, len(cls)]
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def recognize(log_posteriors: np.ndarray, phones: tuple[str, ...], log_priors: np.ndarray) -> list[RawPhone]:
    """The best phone sequence of (frames, phones) log posteriors, silence left out."""
    if len(log_posteriors) == 0:
        return []
    scores = log_posteriors - PRIOR_SCALE * log_priors
    graph = loop_graph(len(phones))
    path = viterbi(scores.astype(np.float64), graph)
    cls = graph.cls[path]
    return [(phones[cls[a]], a * FRAME, b * FRAME) for a, b in _runs(cls) if phones[cls[a]] != SILENCE]


def recognize_phones(pcm: bytes, whisper_heard: np.ndarray | None = None,
                     language: str | None = None) -> list[RawPhone]:  # fmt: skip
    """Phones heard in int16 PCM at 16 kHz (a piece of a recording), times from its start.
    ``whisper_heard``: Whisper's encoder's log posteriors of the same stretch, 10 ms frames
    (:func:`audioface.language.recognize.whisper_phones.hear`), heard beside the aligner's models.
    ``language``: the speech's, where known (it picks the live phone model)."""
    model, live = acoustic.load(), acoustic.load_live(language)
    offline, causal = acoustic.pcm_log_posteriors(pcm, model), acoustic.pcm_log_posteriors(pcm, live)
    both = (1 - LIVE_SHARE) * offline + LIVE_SHARE * causal
    priors = (1 - LIVE_SHARE) * model.log_priors + LIVE_SHARE * live.log_priors
    if whisper_heard is not None:
        heard = whisper_phones.fit(whisper_heard, len(both))
        both = (1 - WHISPER_SHARE) * both + WHISPER_SHARE * heard
        priors = (1 - WHISPER_SHARE) * priors + WHISPER_SHARE * whisper_phones.load().log_priors
    return recognize(both, model.phones, priors)


class LivePhoneLoop:
    """:func:`recognize` as audio arrives, for the live path: the live phone model's causal
    posteriors, the loop's Viterbi recursion one frame at a time, and each frame settled
    ``lag`` frames after its posterior (the live mouth's look-ahead leaves one); ``language``:
    the speech's where known (it picks the live phone model). Reads like
    :class:`audioface.language.align.online.OnlineAligner`, so the live hold takes either."""

    def __init__(self, model: acoustic.LivePhoneModel | None = None, history: int = 300, lag: int = 1,
                 language: str | None = None, whisper_ear: bool = True):  # fmt: skip
        self.model = model or acoustic.load_live(language)
        self._ears = LiveEars(self.model, whisper_ear)
        self._offset = PRIOR_SCALE * self._ears.log_priors
        self._graph = loop_graph(len(self.model.phones))
        # settled a frame behind, the path takes short-lived guesses a whole-file pass would
        # not, and each guess of a P/B/M seals the lips: those frames score a little lower
        bilabial = np.isin(np.array(self.model.phones)[self._graph.cls], ["P", "B", "M"])
        self._bias = np.where(bilabial, -LIVE_BILABIAL, 0.0)
        self._delta = np.full(len(self._graph.cls) + 1, -np.inf)  # the last slot: padding, never reached
        self._back: deque[np.ndarray] = deque(maxlen=max(history, lag + 1))
        self._settled: deque[int] = deque(maxlen=history)  # phone class of each settled frame
        self.lag = lag
        self.frames = 0  # frames through the recursion
        self.decided = 0  # frames settled

    @property
    def lookahead(self) -> int:
        return self.model.lookahead

    def push(self, mel: np.ndarray, samples: np.ndarray | None = None) -> int:
        """Takes log-mel frames (100 per second) and, where the loop has Whisper's ear, the 16 kHz
        samples they came from; returns how many frames are now placed."""
        self._run(self._ears.push(mel, samples))
        return self.frames

    def finish(self) -> int:
        """The last frames, hearing silence after the end."""
        self._run(self._ears.finish())
        self._settle(self.frames)
        return self.frames

    def _run(self, log_post: np.ndarray) -> None:
        """The recursion over frames both ears have heard."""
        g, states = self._graph, np.arange(len(self._graph.cls))
        for row in log_post - self._offset:
            if self.frames == 0:
                self._delta[g.initial] = row[g.cls[g.initial]] + self._bias[g.initial]
                self._back.append(np.zeros(len(states), np.int64))
            else:
                self._delta[:-1], pick = step(self._delta, g.preds, row[g.cls] + self._bias)
                self._back.append(g.preds[states, pick])
            self.frames += 1
            self._settle(self.frames - self.lag)

    def _settle(self, upto: int) -> None:
        owed = upto - self.decided
        if owed <= 0:
            return
        state = int(np.argmax(self._delta[:-1]))
        picked = np.empty(self.frames - self.decided, np.int64)
        for k in range(len(picked) - 1, -1, -1):
            picked[k] = state
            state = int(self._back[len(self._back) - len(picked) + k][state])
        self._settled.extend(self._graph.cls[picked[:owed]].tolist())
        self.decided = upto

    def phones(self, first: int) -> list[tuple[str, int, int]]:
        """[(phone, start frame, end frame), ...] of the settled frames from ``first`` on (at
        most ``history`` frames back), silence included: runs of one phone."""
        start = max(first, self.decided - len(self._settled))
        if start >= self.decided:
            return []
        cls = np.array(self._settled)[start - self.decided :]
        return [(self.model.phones[cls[a]], start + a, start + b) for a, b in _runs(cls)]

    def trusted(self, frames: np.ndarray) -> np.ndarray:
        """Every frame: phones heard in the audio always fit it (words told may not)."""
        return np.ones(len(frames), bool)
