"""Real speech without hand labels: scored against its own transcript's forced alignment.

Real recordings with the text read (``../shared/data/real-english``) have no
hand-made phone timings, so the reference for each is its true transcript
force-aligned by the language stage (by pocketsphinx: the reference every figure in
BENCHMARKS was measured against, whichever aligner animates). The with-transcript rules are near
perfect against that reference by construction; what it measures is how much
of the transcript's lip sync the paths without words (audio only, live) and
the learned generators keep on real voices. Hand-labelled sets (emur-ae) are
scored by :mod:`audioface.evaluate.runner` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from audioface.audio import Audio, detect_activity, load_audio
from audioface.evaluate.corpus import Item
from audioface.evaluate.lipsync import score_lipsync
from audioface.evaluate.runner import ItemResult
from audioface.language.align.aligners import DEFAULT_ALIGNER
from audioface.motion.generators import GeneratorSpec
from audioface.parallel import parallel_map
from audioface.track import RefPhone

# with the transcript, on the audio alone, live in chunks (hearing phones, the model's mouth
# alone, or told the words ahead as a voice agent's TTS would be), or with words heard by a
# recogniser (``auto``: the default's choice, Whisper's words or, on a short clip it is unsure of,
# the phones heard)
HOW = ("transcript", "audio", "live", "live-alone", "live-text", "auto", "whisper", "words", "phonetic")


@dataclass(frozen=True)
class Way:
    """One way to animate an item: a label for the report, a generator, and how it hears."""

    label: str
    generator: str | GeneratorSpec
    how: str = "transcript"
    aligner: str = DEFAULT_ALIGNER  # who times a transcript's or recogniser's words


def aligned_reference(item: Item, sound: Audio | None = None, aligner: str = "sphinx") -> list[RefPhone]:
    """The item's transcript force-aligned by pocketsphinx: the reference phones for real
    speech (``sound``: the item's audio when the caller has already loaded it; ``aligner``:
    another aligner's alignment, to see whose reference a figure favours)."""
    from audioface.language import build_track

    sound = sound if sound is not None else load_audio(item.audio)
    track = build_track(sound, detect_activity(sound), item.text, aligner=aligner, jobs=1)
    return [RefPhone(p.phone, p.start, p.end, p.stress) for p in track.phones()]


def _animate(sound: Audio, text: str, way: Way):
    from audioface.api import animate, animate_stream

    if way.how in ("live", "live-alone", "live-text"):
        told = text if way.how == "live-text" else None
        return animate_stream(
            sound, generator=way.generator, text=told, hear_phones=way.how != "live-alone"
        ).animation
    if way.how in ("transcript", "audio"):
        text = text if way.how == "transcript" else None
        return animate(sound, text, aligner=way.aligner, jobs=1, generator=way.generator)
    return animate(sound, None, asr=way.how, aligner=way.aligner, jobs=1, generator=way.generator)


def score_item(job: tuple[Item, tuple[Way, ...]]) -> list[ItemResult]:
    item, ways = job
    sound = load_audio(item.audio)  # read once: the reference and every way hear the same samples
    ref = aligned_reference(item, sound)
    out = []
    for way in ways:
        anim = _animate(sound, item.text, way)
        out.append(ItemResult(item.name, way.label, score_lipsync(anim.weights, anim.fps, ref),
                              duration=anim.duration, reference=ref))  # fmt: skip
    return out


def score_real_speech(items: list[Item], ways: list[Way], jobs: int | None = None) -> list[ItemResult]:
    """Every item animated every way, each scored against the item's aligned transcript;
    results item by item, in the order of ``ways``. Items without a transcript are left out."""
    for way in ways:
        if way.how not in HOW:
            raise ValueError(f"unknown way of hearing {way.how!r}: one of {', '.join(HOW)}")
    work = [(item, tuple(ways)) for item in items if item.text]
    return [r for got in parallel_map(score_item, work, jobs) for r in got]
