"""espeak-ng speaking with its phones named in IPA: the synthetic multilingual material.

Initialised with ``espeakINITIALIZE_PHONEME_IPA`` (0x0002), libespeak-ng's phoneme events name
each phone in IPA (``ˈa``, ``œ̃``, ``t͡s``) at the sample it starts, so a synthetic line's phone
timings are exact in any language. The library is the ``espeakng-loader`` wheel's (a core
dependency: most languages' pronunciations come from it), so making data needs nothing else.
One module holds the engine, so that the development corpus (``tools/make_multilingual_corpus.py``),
the multilingual aligner's data (:mod:`audioface.training.multilingual`) and the mouth models'
(:mod:`audioface.training.multilingual_mouth`) hear the same speaker; it lives in the package,
not in ``tools/``, because an installed AudioFace must be able to make its own training data.

The IPA labels are espeak-ng's with three clean-ups, so that each is one segment
:mod:`audioface.ipa` reads: espeak-ng's own letters become IPA (Mandarin's ``s.`` ``ʂ``, ``ts.``
``ʈʂ``, ``i.`` ``ʅ``, aspiration written ``h`` ``ʰ``: ``th`` -> ``tʰ``; syllable hyphens,
Russian's stress quote and the compressed-lips mark ``ᵝ`` on Japanese ``ɯ`` dropped, the vowel
being the unrounded ɯ either way), a bare mark joins the phone before it (Russian ``ʲ``), and a
phone written as two segments gets its tie bar (``ei`` -> ``e͡i``, ``ts`` -> ``t͡s``).
"""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from audioface.formats.phonesets import label_segment
from audioface.ipa import TIES, segments
from audioface.training.synth import RATE, Timeline, join_silences, speak_events, verify

PAUSES = (0.4, 0.1)  # after an item's first line (a rest the metrics score: >= 0.3 s) and its second
DEFAULT_RATE, DEFAULT_PITCH = 175, 50  # espeak-ng's own defaults: words a minute, pitch 0-100
_SYNCHRONOUS, _OPTIONS = 2, 0x0001 | 0x0002 | 0x8000  # phoneme events, in IPA; errors return
_RATE_PARAMETER, _PITCH_PARAMETER = 1, 3  # espeak_PARAMETER


@dataclass
class Spoken:
    """One line as espeak-ng said it: 16 kHz audio, and its phoneme events as (IPA name or
    ``_end``, sample) at the engine's own rate, with that rate and the native length."""

    audio: np.ndarray
    marks: list[tuple[str, int]]
    samples: int
    rate: int


@lru_cache(maxsize=1)
def _library() -> ctypes.CDLL:
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.rate = lib.espeak_Initialize(_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), _OPTIONS)
    if lib.rate <= 0:
        raise RuntimeError("espeak-ng could not start")
    return lib


def speak(voice: str, text: str, rate: int = DEFAULT_RATE, pitch: int = DEFAULT_PITCH) -> Spoken:
    """``text`` in ``voice`` (``fr``, ``fr+m3``) at ``rate`` words a minute; ValueError where
    espeak-ng has no such voice or says nothing."""
    lib = _library()
    native, marks = speak_events(lib, voice, text, {_RATE_PARAMETER: rate, _PITCH_PARAMETER: pitch})
    audio = soxr.resample(native, lib.rate, RATE).astype(np.float32)
    return Spoken(audio, marks, len(native), lib.rate)


def say(voice: str, text: str, rate: int = DEFAULT_RATE,
        pitch: int = DEFAULT_PITCH) -> tuple[np.ndarray, Timeline]:  # fmt: skip
    """16 kHz audio and its timeline: (one IPA segment or "sil", start, end) in seconds."""
    spoken = speak(voice, text, rate, pitch)
    return spoken.audio, timeline(spoken.marks, spoken.samples, spoken.rate)


def timeline(marks: list[tuple[str, int]], total: int, rate: int) -> Timeline:
    """Phoneme events -> phones from each event to the next; an event without a name, or the end
    of a clause (a comma), starts a pause; a bare mark (Russian ``ʲ``) belongs to the phone before."""
    phones: Timeline = []
    if not marks or marks[0][1] > 0:
        phones.append(("sil", 0.0, (marks[0][1] if marks else total) / rate))
    for (name, s), (_, nxt) in zip(marks, [*marks[1:], ("_end", total)], strict=True):
        if nxt <= s:
            continue
        name = "" if name == "_end" else respell(name)  # after a clause's end: its pause
        if name and not segments(name) and phones and phones[-1][0] != "sil":
            phones[-1] = (clean_label(phones[-1][0] + name), phones[-1][1], nxt / rate)
        else:
            phones.append((clean_label(name), s / rate, nxt / rate))
    if phones and phones[-1][2] < total / rate:
        phones.append(("sil", phones[-1][2], total / rate))
    return phones


# espeak-ng's spellings that are not IPA: its Mandarin retroflexes ("s." ʂ, "ts." ʈʂ, "i." the
# apical ʅ), Russian's stress quote, syllable hyphens, Japanese ɯ's compressed-lips mark
_RESPELL = (("ᵝ", ""), ("-", ""), ('"', ""), ("ts.", "ʈʂ"), ("s.", "ʂ"), ("z.", "ʐ"), ("i.", "ʅ"))


def respell(name: str) -> str:
    for old, new in _RESPELL:
        name = name.replace(old, new)
    return name


def clean_label(name: str) -> str:
    """A respelt IPA name -> one IPA segment (see the module's docstring); "" -> "sil"."""
    if not name:
        return "sil"
    if len(name) > 1 and name.endswith("h") and any(seg.manner == "stop" for seg in segments(name[:-1])):
        name = name[:-1] + "ʰ"  # Mandarin's aspiration
    segs = segments(name)  # strict: an IPA symbol the inventory lacks is a ValueError
    if len(segs) > 1:  # one phone written as two segments: tie them, keep the stress mark
        stress = {1: "ˈ", 2: "ˌ"}.get(label_segment(name).stress or 0, "")
        name = stress + TIES[0].join(seg.symbol for seg in segs)
    return name


def make_item(voice: str, sentences: list[str], rate: int = DEFAULT_RATE,
              pitch: int = DEFAULT_PITCH) -> tuple[np.ndarray, Timeline]:  # fmt: skip
    """Two sentences, each verified (RuntimeError where one fails), joined by pauses of known
    length; touching pauses merged."""
    chunks, phones, t = [], [], 0.0
    for text, pause in zip(sentences, PAUSES, strict=True):
        audio, spoken = say(voice, text, rate, pitch)
        problem = verify(audio, spoken)
        if problem:
            raise RuntimeError(f"{text!r}: {problem}")
        end = int(round(spoken[-1][2] * RATE))
        audio = np.pad(audio[:end], (0, max(0, end - len(audio))))
        phones += [(label, t + a, t + b) for label, a, b in spoken]
        t += len(audio) / RATE
        silence = np.zeros(int(round(pause * RATE)), np.float32)
        phones.append(("sil", t, t + len(silence) / RATE))
        t += len(silence) / RATE
        chunks += [audio, silence]
    return np.concatenate(chunks), join_silences(phones)


def write_item(folder: Path, name: str, audio: np.ndarray, phones: Timeline, text: str, code: str) -> None:
    """An item in the evaluation format: ``NAME.wav``, ``.txt``, ``.phones.json`` (IPA), ``.lang``."""
    peak = float(np.abs(audio).max())
    if peak > 0.99:
        audio = audio * (0.99 / peak)
    sf.write(folder / f"{name}.wav", audio, RATE, subtype="PCM_16")
    (folder / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
    (folder / f"{name}.lang").write_text(code + "\n")
    doc = [{"phone": p, "start": round(a, 4), "end": round(b, 4)} for p, a, b in phones]
    (folder / f"{name}.phones.json").write_text(json.dumps(doc, indent=0, ensure_ascii=False) + "\n", "utf-8")
