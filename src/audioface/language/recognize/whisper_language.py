"""Which bundled Whisper hears which language (applied by
:func:`audioface.language.recognize.whisper.transcribe`), and the language check when none is given.

- ``"en"``: tiny.en, fast, and as good as base on English;
- any other code (``"fr"``, ``"zh"``, ...): base, told the language (Mandarin with a prompt in
  Simplified script);
- ``None`` (detect): tiny.en first; where its words do not sound like English, base's language
  detection on the first 15 s of speech, then base in that language (where tiny.en's encoder
  is sure the file is not English, base is asked too: before tiny.en decodes a long file, and for
  a line even where tiny.en's words sound English: :mod:`audioface.language.recognize.whisper_english`).

Why tiny.en first when the language is not known: most users speak English, and base costs
them a load (0.7 s of CPU, about 300 MB more at its peak) before a single word is heard.
tiny.en's own confidence (:data:`ENGLISH_LOGPROB`) passes 86% of English utterances (94% of
native readers', 85% of non-native children's) and 15% of other languages' (402 real clips
in 11 languages), so most English files pay nothing for the check. (Measured with its encoder
hearing 30 s; since it hears a window's own length padded to 10 s, ``whisper.ENGLISH_FRAMES``,
120 held-out real English utterances pass 77% against 84%, 120 other languages' 8% against 11%:
a little more English asks base, a little less of the rest is taken for English.) Where tiny.en is unsure,
base hears at most 10-15 s of speech (its encoder cut to the speech's length: 0.28 s of CPU
against 1.66 s for a padded 30 s window) and English wins when it has a probability of 0.1 or
more: accented English is often heard as Mandarin first, yet keeps P(en) >= 0.1 (24 of 25
such utterances), which no other language's utterance reached (0 of 25). A named model folder
(``--asr-model``) hears the language given; a multilingual one detects it itself.
"""

from __future__ import annotations

import re

import numpy as np

from audioface.audio.load import SAMPLE_RATE
from audioface.errors import AudioFaceError
from audioface.language.pronounce.routes import has_route
from audioface.language.recognize.segments import LOOP_RATIO, Segment, cut_loops, mean_logprob

ENGLISH = "en"
# tiny.en's mean log-probability per token, weighted by each segment's length, from which its
# words are taken for English without asking base (see above for what it passes)
ENGLISH_LOGPROB = -1.0
# below this (or looping) on the first window alone, a file is not English enough to hear the
# rest in English first: 4 of 120 held-out real English utterances, 58 of 120 other languages'
NOT_ENGLISH_LOGPROB = -1.5
ENGLISH_P = 0.1  # base's probability of English from which English is taken
# at most this much speech is heard by base's language detection: its encoder's cost grows with
# it (15 s: 0.45 s of CPU, 30 s: 1.15 s), and the figures above were measured on utterances
# mostly shorter than this
DETECT_S = 15.0
MIN_DETECT_FRAMES = 1000  # the encoder hears at least 10 s (padded), as measured


def check_language(language: str | None) -> str | None:
    """``language`` as a language tag (an ISO 639 code, maybe with a region: "fr", "pt-BR"), None
    for None, "" or "auto" (detect); a one-line error for anything else."""
    if language is None or language.strip().lower() in ("", "auto"):
        return None
    tag = language.strip()
    if not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", tag):
        raise AudioFaceError(
            f"a language is a code such as en, fr, zh or pt-BR, got {language!r}", "language"
        )
    primary, _, rest = tag.replace("_", "-").partition("-")
    return primary.lower() + (f"-{rest}" if rest else "")


def whisper_code(tag: str) -> str:
    """Whisper's code for a language tag: its primary subtag ("pt-BR" -> "pt"; Mandarin "cmn" -> "zh")."""
    primary = tag.split("-")[0]
    return {"cmn": "zh", "yue": "yue", "nb": "no"}.get(primary, primary)


def sounds_english(segments: list[Segment], threshold: float = ENGLISH_LOGPROB) -> bool:
    """tiny.en was sure enough of its words (or heard none), and none of them loop: they are
    taken for English. A loop is what an English-only model writes over speech it cannot
    follow ("thank you thank you ...", "I am a young woman, and I am a young woman ..." over
    Japanese and Mandarin), often with a confident log-probability."""
    if any(loops(s) for s in segments if s.text):
        return False
    sure = mean_logprob(segments)
    return sure is None or sure >= threshold


def loops(segment: Segment) -> bool:
    """Whisper's own loop test (its text compresses too well), or a phrase said over and over."""
    ratio = segment.compression_ratio
    return (ratio is not None and ratio > LOOP_RATIO) or cut_loops(segment.text) != segment.text


def speech_sample(
    samples: np.ndarray, speech: list[tuple[float, float]] | None, limit: float = DETECT_S
) -> np.ndarray:
    """The first ``limit`` seconds of speech, the pauses between regions left out."""
    if not speech:
        return samples[: int(limit * SAMPLE_RATE)]
    parts, total = [], 0
    for a, b in speech:
        piece = samples[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)][: int(limit * SAMPLE_RATE) - total]
        parts.append(piece)
        total += len(piece)
        if total >= limit * SAMPLE_RATE:
            break
    return np.concatenate(parts) if parts else samples[: int(limit * SAMPLE_RATE)]


def detect(model, samples: np.ndarray, speech: list[tuple[float, float]] | None = None) -> str:
    """The language ``model`` (multilingual) hears in the first 15 s of speech: English where
    its probability reaches :data:`ENGLISH_P`, else the most likely language."""
    probs = model.language_probabilities(
        speech_sample(np.asarray(samples, np.float32), speech), MIN_DETECT_FRAMES
    )
    if probs.get(ENGLISH, 0.0) >= ENGLISH_P:
        return ENGLISH
    # a language no route speaks would have its words read as English: the likeliest one that has
    # a route (Whisper takes Spanish for Galician now and then, which espeak-ng does not speak)
    spoken = [code for code in probs if has_route(code)]
    return max(spoken or probs, key=probs.get)
