"""Words aligned while they are spoken: the live path's language stage.

A voice agent knows what its TTS is about to say, but not when each sound
will come. This aligner takes that text (all at once, or word by word as the
agent produces it) and places its phones on the audio as the audio arrives:
the live phone model (:func:`audioface.language.align.acoustic.load_live`, causal,
60 ms of look-ahead) gives posteriors frame by frame, and the Viterbi
recursion of :mod:`audioface.language.align.forced` runs forward one frame at a time
over the words' graph. The best path ending at the newest frame says which
phone every recent frame belongs to; frames near the newest are a guess the
next frames may revise, older ones settle.

Memory stays bounded on endless streams: back-pointers are kept for the last
``HISTORY`` frames only, and states far behind the best path are pruned (the
graph is left to right, so a pruned state is never needed again).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from audioface.errors import AudioFaceError
from audioface.language.align import acoustic, forced
from audioface.language.align.learned_aligner import variants
from audioface.language.pronounce import AUTO_LANGUAGE, check_language, lookup, transcript
from audioface.language.pronounce.choose import transcript_language
from audioface.language.pronounce.lookup import ENGLISH
from audioface.language.recognize.live_ears import LiveEars

HISTORY = 300  # settled frames kept: how far back the phones can be read (3 s)
LAG = 1  # frames of path past a frame before it settles: the live mouth's look-ahead leaves one
BEAM = 400.0  # log-score below the best at which a state is dropped for good
AHEAD = 200  # states past the furthest live one that a frame's recursion looks at
MUST_SHOW = frozenset("P B M F V UW W OW".split())  # phones a settled frame must not skip unseen
RESCUE = 2  # frames that show a skipped one
FIT_WINDOW = 50  # frames over which the words' fit to the audio is judged (0.5 s)
# mean log posterior below which they are judged not what is being said; a live model whose side
# file says its own ("min_fit") is judged by that
MIN_FIT = -2.5
MAX_WORDS = 20000  # words one stream may be told (its graph grows with every word, and stays)


def spoken_language(language: str, text: str) -> str:
    """The language of words told to a stream: the one given, else the text's (English where
    its script does not say)."""
    return (transcript_language(text) or ENGLISH) if language == AUTO_LANGUAGE else language


class OnlineAligner:
    """Phones of the given words, placed frame by frame as log-mel frames arrive."""

    def __init__(self, model: acoustic.LivePhoneModel | None = None, start: int = 0, history: int = HISTORY,
                 lag: int = LAG, language: str = AUTO_LANGUAGE):  # fmt: skip
        """``start``: the stream's frame index of the first frame pushed (text that comes
        mid-stream starts an aligner on the recent audio, not on all of it); ``history``:
        how many settled frames can be read back; ``lag``: frames of path after a frame
        before it is settled; ``language``: how the words become phones (``auto``: the first
        text's script, else English) and which live phone model hears them (``auto``: English's;
        a caller that has the text settles the language first, :func:`spoken_language`). It hears
        the live model alone (:mod:`audioface.language.recognize.live_ears`, without Whisper's ear:
        told the words, the ear gained too little for its CPU, as measured there)."""
        self.language = check_language(language)
        self.model = model or acoustic.load_live(ENGLISH if self.language == AUTO_LANGUAGE else self.language)
        self._ears = LiveEars(self.model, whisper_ear=False)
        self._min_fit = float(self.model.side.get("min_fit", MIN_FIT))
        self._scores_offset = acoustic.PRIOR_SCALE * self._ears.log_priors
        self.words: list[str] = []
        self._builder = forced.GraphBuilder(self.model.index)
        self._cls, self._word, self._phone, self._preds = self._builder.arrays()
        self._delta = np.array([0.0, -np.inf])  # before the first frame: in the leading silence
        self._lo, self._hi = 0, 1  # states the recursion looks at
        self._back: deque[tuple[int, np.ndarray]] = deque(maxlen=max(history, lag + 1))
        self._decided: deque[int] = deque(maxlen=history)  # settled states of the latest frames
        self._fit: deque[float] = deque(maxlen=history)  # ... and their log posteriors
        self._lent: deque[str] = deque(maxlen=history)  # ... and a skipped phone they show ("" if none)
        self._lend = ("", 0)  # the skipped phone the next frames show, and for how many
        self._rows: deque[np.ndarray] = deque(maxlen=lag + 2)  # posteriors of frames not yet settled
        self.lag = lag
        self.frames = start  # the stream's index of the next frame through the recursion
        self.decided = start  # ... and of the next frame to settle

    @property
    def lookahead(self) -> int:
        """Frames of audio past a frame that its posterior waits for."""
        return self.model.lookahead

    def add_text(self, text: str) -> None:
        """More words, to be spoken after those already given."""
        self.language = spoken_language(self.language, text)
        tokens = [t.word for t in transcript.tokens(text, self.language)]
        if not tokens:
            return
        if len(self.words) + len(tokens) > MAX_WORDS:
            raise AudioFaceError(f"a stream takes at most {MAX_WORDS} words of text")
        self.words += tokens
        with lookup.speaking(self.language):
            self._builder.add_words([variants(w) for w in tokens])
        self._cls, self._word, self._phone, self._preds = self._builder.arrays()
        size = len(self._cls)
        grown = np.full(size + 1, -np.inf)  # the graph only grows at its end: old states keep their index
        grown[: len(self._delta) - 1] = self._delta[:-1]
        self._delta = grown

    def push(self, mel: np.ndarray, samples: np.ndarray | None = None) -> int:
        """Takes log-mel frames (100 per second); returns how many frames are now placed.
        ``samples`` (the audio of those frames, which the live phone loop's ear hears) is not
        needed: the stream feeds either kind of aligner the same way."""
        self._advance(self._ears.push(mel, samples))
        return self.frames

    def finish(self) -> int:
        """The last frames, hearing silence after the end (as the whole-file model does)."""
        self._advance(self._ears.finish())
        self._decide(self.frames)
        return self.frames

    def _advance(self, log_post: np.ndarray) -> None:
        size = len(self._cls)
        delta = self._delta
        for post, row in zip(log_post, log_post - self._scores_offset, strict=True):
            self._rows.append(post)
            live = np.flatnonzero(np.isfinite(delta[self._lo : self._hi])) + self._lo
            best = delta[live].max()
            lo = int(live[delta[live] > best - BEAM][0])
            hi = min(size, int(live[-1]) + AHEAD)
            delta[self._lo : lo] = -np.inf  # pruned for good
            delta[hi : self._hi] = -np.inf
            self._lo, self._hi = lo, hi
            preds = self._preds[lo:hi]
            delta[lo:hi], pick = forced.step(delta, preds, row[self._cls[lo:hi]])
            self._back.append((lo, preds[np.arange(hi - lo), pick]))
            self.frames += 1
            self._decide(self.frames - self.lag)

    def _decide(self, upto: int) -> None:
        """Settle frames up to ``upto`` (exclusive): each takes the state the best path at the
        newest frame passes through, ``lag`` frames back (a frame settled later than that
        would depend on how the audio was chunked)."""
        state = int(np.argmax(self._delta[self._lo : self._hi])) + self._lo
        owed = upto - self.decided
        if owed <= 0:
            return
        picked = np.empty(self.frames - self.decided, np.int64)
        for k in range(len(picked) - 1, -1, -1):
            picked[k] = state
            base, back = self._back[len(self._back) - len(picked) + k]
            state = int(back[state - base])
        settled = picked[:owed]
        rows = list(self._rows)[len(self._rows) - len(picked) :][:owed]
        for state in settled.tolist():
            self._settle(state)
        self._fit.extend(float(r[self._cls[s]]) for r, s in zip(rows, settled, strict=True))
        self.decided = upto

    def _settle(self, state: int) -> None:
        """One more settled frame. Settled frames follow the best path of their moment, which
        can jump ahead past phones that no frame took; a jump past one the lips must make (a
        P/B/M, an F/V, a rounding) lends it to the next ``RESCUE`` frames, late but not lost."""
        last = self._decided[-1] if self._decided else None
        if last is not None and state > last + 1 and last not in self._preds[state]:
            skipped = self._cls[last + 1 : state]
            must = [self.model.phones[c] for c in skipped if self.model.phones[c] in MUST_SHOW]
            if must:
                self._lend = (must[0], RESCUE)
        phone, left = self._lend
        self._decided.append(state)
        self._lent.append(phone if left > 0 else "")
        self._lend = (phone, left - 1)

    def fit(self, first: int) -> np.ndarray:
        """Log posterior of each settled frame's phone from ``first`` on: how well the words fit
        the audio there (text that is not what is being said fits badly)."""
        start = max(first, self.decided - len(self._fit))
        return np.array([self._fit[k] for k in range(start - self.decided + len(self._fit), len(self._fit))])

    def trusted(self, frames: np.ndarray) -> np.ndarray:
        """Whether the words fit the audio over the ``FIT_WINDOW`` settled frames up to each of
        ``frames`` (settled frame indices): where they do not, the text is not what is said."""
        first = int(frames.min()) - FIT_WINDOW + 1
        fit = self.fit(first)
        start = self.decided - len(fit)
        sums = np.concatenate([[0.0], np.cumsum(fit)])
        hi = np.clip(frames - start + 1, 0, len(fit))
        lo = np.clip(hi - FIT_WINDOW, 0, None)
        mean = (sums[hi] - sums[lo]) / np.maximum(hi - lo, 1)
        return (hi - lo == 0) | (mean >= self._min_fit)

    def settled(self, frames: np.ndarray) -> tuple[list[str], np.ndarray]:
        """(phone of each of ``frames``, whether it is known and the words fit the audio
        there): frames not settled yet, or no longer kept, read as "sil" and not known."""
        frames = np.asarray(frames, np.int64)
        runs = self.phones(max(int(frames.min()), 0)) if len(frames) else []
        if not runs:
            return ["sil"] * len(frames), np.zeros(len(frames), bool)
        ends = np.array([end for _, _, end in runs])
        which = np.minimum(np.searchsorted(ends, frames, side="right"), len(runs) - 1)
        known = (frames >= runs[0][1]) & (frames < ends[-1])
        phones = [runs[k][0] if ok else "sil" for k, ok in zip(which.tolist(), known.tolist(), strict=True)]
        return phones, known & self.trusted(np.clip(frames, runs[0][1], ends[-1] - 1))

    def phones(self, first: int) -> list[tuple[str, int, int]]:
        """[(phone, start frame, end frame), ...] of the settled frames from ``first`` on (at
        most ``history`` frames back): runs of one phone of one word."""
        start = max(first, self.decided - len(self._decided))
        if start >= self.decided:
            return []
        states = np.fromiter(
            (self._decided[k] for k in range(start - self.decided + len(self._decided), len(self._decided))),
            np.int64,
        )
        lent = [self._lent[k] for k in range(start - self.decided + len(self._lent), len(self._lent))]
        key = self._word[states] * 1000 + self._phone[states]
        key = np.where([bool(x) for x in lent], -2 - np.arange(len(states)) // (RESCUE + 1), key)
        cut = np.flatnonzero(np.diff(key)) + 1
        bounds = [0, *cut.tolist(), len(states)]
        names = self.model.phones
        return [
            (lent[a] or names[self._cls[states[a]]], start + a, start + b)
            for a, b in zip(bounds, bounds[1:], strict=False)
        ]
