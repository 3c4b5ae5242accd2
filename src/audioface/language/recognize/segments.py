"""What a large speech model heard, as timed text segments, and the filters against what it invents.

Whisper-like models write fluent text even where nobody speaks: "Thank you." on
silence or a fan, a phrase looped many times, a sentence carried past the end
of speech. Every segment is checked against the model's own confidence figures
and against the audio stage's speech detector before its words reach the aligner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from audioface.audio.activity import Activity

# Whisper's own rule for a silent window: both figures past these limits
NO_SPEECH_PROB = 0.6
SILENT_LOGPROB = -1.0
LOW_LOGPROB = -1.6  # below this a segment is a guess whatever the no-speech figure says
LOOP_RATIO = 2.4  # gzip compression ratio above which Whisper itself calls a segment a loop
# ... and above which the segment is nothing but a loop, however sure of speech the model is:
# espeak-ng's robotic Catalan (tests/files/catalan_espeak.wav) heard by base as Italian,
# "e se non è stata scelta, se non è stata scelta, ..." (17.2, no-speech 0.32)
LOOP_ONLY_RATIO = 8.0
MIN_SPEECH_SHARE = 0.15  # share of a segment's time the speech detector must call speech
MAX_REPEATS = 2  # a phrase said more often than this in a row is a loop: kept this many times


@dataclass(frozen=True)
class Segment:
    """A stretch of recognised text with the recogniser's figures (absent ones are None)."""

    start: float
    end: float
    text: str
    no_speech_prob: float | None = None
    avg_logprob: float | None = None
    compression_ratio: float | None = None
    # the language the recogniser decoded in (ISO 639-1), so that the words' pronunciations
    # follow it; None where the recogniser does not say
    language: str | None = None


def mean_logprob(segments: list[Segment]) -> float | None:
    """The recogniser's log-probability per token over the segments with words, each weighted
    by its length: how sure it was of what it wrote (None where it wrote nothing it scored)."""
    weights = [(s.end - s.start, s.avg_logprob) for s in segments if s.text and s.avg_logprob is not None]
    total = sum(w for w, _ in weights)
    return sum(w * lp for w, lp in weights) / total if total > 0 else None


def keep_real(segments: list[Segment], activity: Activity) -> list[Segment]:
    """The segments that are speech, each with looped phrases cut back."""
    kept = []
    for seg in segments:
        if invented(seg, activity):
            continue
        text = cut_loops(seg.text)
        if text.strip():
            kept.append(replace(seg, text=text))
    return kept


def invented(seg: Segment, activity: Activity) -> bool:
    """True when the segment is text the model made up rather than heard."""
    no_speech = (seg.no_speech_prob or 0.0) > NO_SPEECH_PROB
    silent = no_speech and (seg.avg_logprob or 0.0) < SILENT_LOGPROB
    # a loop the model itself doubts is speech: told a language, it chants a phrase over a silent
    # take, sure of every word ("det är en av det här är en av ...", compression 23.5)
    chanted = no_speech and (seg.compression_ratio or 0.0) > LOOP_RATIO
    looped = (seg.compression_ratio or 0.0) > LOOP_ONLY_RATIO
    guessed = seg.avg_logprob is not None and seg.avg_logprob < LOW_LOGPROB
    return silent or chanted or looped or guessed or speech_share(seg, activity) < MIN_SPEECH_SHARE


def speech_share(seg: Segment, activity: Activity) -> float:
    """Share of the segment's frames that the audio stage detected as speech."""
    speech = activity.speech
    if not len(speech):
        return 0.0
    a = int(np.clip(np.floor(seg.start / activity.hop), 0, len(speech) - 1))
    b = int(np.clip(np.ceil(seg.end / activity.hop), a + 1, len(speech)))
    return float(np.mean(speech[a:b]))


def cut_loops(text: str, max_repeats: int = MAX_REPEATS) -> str:
    """``text`` with any phrase (1 to 8 words) repeated back to back more than ``max_repeats``
    times cut to ``max_repeats`` (people do say "no, no"; models say it forty times)."""
    words = text.split()
    for n in range(1, 9):
        out: list[str] = []
        i = 0
        while i < len(words):
            phrase = words[i : i + n]
            reps = 1
            while len(phrase) == n and [_key(w) for w in words[i + reps * n : i + (reps + 1) * n]] == [
                _key(w) for w in phrase
            ]:
                reps += 1
            if reps > max_repeats:
                out += phrase * max_repeats
                i += reps * n
            else:
                out.append(words[i])
                i += 1
        words = out
    return " ".join(words)


def _key(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())
