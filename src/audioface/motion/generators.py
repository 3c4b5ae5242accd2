"""The generator registry: the one place where a generator's name means something.

A name (``learned``, ``learned-audio``, ``stream``, ``rules``) or the path of an
``.onnx`` model from ``audioface train`` resolves to a :class:`GeneratorSpec`
that says what the generator hears (the phone track, a sentence embedding), whether
it can run live, and how far it looks ahead. The API, the live path, the CLI's
checks and messages, the evaluator, the training report and the benchmarks all
ask here instead of comparing names, so a user's audio-only model is treated
exactly like the shipped one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from audioface.errors import AudioFaceError

NAMES = ("learned", "learned-audio", "stream", "rules")
DEFAULT = "learned"
LIVE = "stream"  # what the live path runs unless the user names a model file
LIVE_LOOKAHEAD = 0.1  # s: the most look-ahead a live generator may need


@dataclass(frozen=True)
class GeneratorSpec:
    """What a generator is, as every caller needs to know it. Plain data: picklable to workers."""

    name: str  # as the user gave it: a registry name or a model path
    model: str | None  # the ONNX model to run (a shipped name or a path); None for the rules
    phones: bool  # hears a phone track, so the language stage must run
    sentence: bool = False  # hears a sentence embedding of the transcript
    lookahead: float | None = None  # s of audio past a frame before it is final; None: whole file
    phones_heard: bool = False  # its phones are recognised from the audio, never from words

    @property
    def audio_only(self) -> bool:
        """Hears the audio alone: no transcript or word recogniser is needed (at most the
        language stage's phone recognition, from the same audio)."""
        return not self.phones or self.phones_heard

    @property
    def causal(self) -> bool:
        """Can run on live audio: frames come out a bounded time after their audio."""
        return self.lookahead is not None and self.lookahead <= LIVE_LOOKAHEAD

    def describe(self) -> str:
        """A short phrase for messages: what made the mouth."""
        what = "the rules" if self.model is None else f"the {self.name} generator"
        if self.phones_heard:
            return f"{what} on the audio and the phones heard in it"
        return f"{what} on the audio alone" if self.audio_only else what


def resolve(generator: str | os.PathLike | GeneratorSpec) -> GeneratorSpec:
    """The spec of a registry name or a model path; an :class:`AudioFaceError` when neither."""
    if isinstance(generator, GeneratorSpec):
        return generator
    name = str(generator)
    if name == "rules":
        return GeneratorSpec("rules", None, phones=True)
    if name == "learned-audio":
        return hearing_phones(_from_model("learned", "learned-audio"))
    return _from_model(name, name)


def hearing_phones(spec: GeneratorSpec) -> GeneratorSpec:
    """The same model without words: its cues are the phones the language stage hears in the
    audio (a phone loop over the learned aligner's posteriors), a transcript is not used.

    Why not its cue input left empty (:func:`without_phones`): that model, trained on cue
    dropout, never learnt to seal the lips from sound alone as well as the phone model, taught
    on real speech, hears P, B and M (held-out real speakers: 0.927, closures 0.849, against
    0.848, closures 0.699)."""
    if spec.model is None or not spec.phones:
        raise AudioFaceError("only a learned model with phone cues can hear recognised phones", "generator")
    return replace(spec, phones_heard=True, sentence=False)


def without_phones(spec: GeneratorSpec) -> GeneratorSpec:
    """The same model on the audio alone (its cue input left empty, as cue dropout trained it)."""
    if spec.model is None:
        raise AudioFaceError("the rules need a phone track: they cannot run on the audio alone", "generator")
    return replace(spec, phones=False, sentence=False)


def streamed(generator: str | os.PathLike | GeneratorSpec) -> GeneratorSpec:
    """``generator`` fed chunk by chunk: a learned model, hearing the audio alone."""
    spec = resolve(generator)
    if spec.model is None:
        raise AudioFaceError("the rules need the whole file's phone track: they cannot stream", "generator")
    return without_phones(spec)


def live(generator: str | os.PathLike | GeneratorSpec = LIVE) -> GeneratorSpec:
    """The generator the live path runs for a user's choice: the shipped stream model for any
    registry name, or the user's own model file."""
    if not isinstance(generator, GeneratorSpec) and str(generator) in NAMES:
        generator = LIVE
    return streamed(generator)


def _from_model(model: str, name: str) -> GeneratorSpec:
    from audioface.motion.learned.generator import load_model

    info = load_model(model).info
    # the model's look-ahead and mel window, plus one model frame for resampling to the animation's rate
    lookahead = info.latency + 1.0 / info.frame_rate
    # a live model's late cues (cue_delay) come only from a stream told its words, phone by phone
    # as the live aligner settles them (StreamAnimator); anywhere else it hears the audio alone
    phones = info.phones and not info.cue_delay
    return GeneratorSpec(name, model, phones=phones, sentence=info.sentence, lookahead=lookahead)
