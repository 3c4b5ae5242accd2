"""Speech synthesizers that report their own phone timings: training and test data.

Each engine reports its own phone timings: flite (``-psdur``), festival (the
utterance's Segment relation, from a Scheme script) and espeak-ng (phoneme
events of libespeak-ng, through ctypes). Sentences are synthesised one at a
time and joined with silences of known length, so a timeline is exact; each
sentence is verified (the timeline ends within 50 ms of the audio; pauses are
quiet). These are Debian programs, needed only to make data, never to animate.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from audioface.audio.load import SAMPLE_RATE
from audioface.formats.phonesets import RADIO

RATE = SAMPLE_RATE  # what the pipeline hears
Timeline = list[tuple[str, float, float]]  # (ARPAbet or "sil", start, end)


def available(engine: str) -> bool:
    return shutil.which(BINARIES[engine]) is not None


# ---------------------------------------------------------------- engines


def flite(voice: str, text: str, tmp: Path) -> tuple[np.ndarray, Timeline]:
    wav = tmp / "s.wav"
    out = _run(["flite", "-voice", voice, "-psdur", "-t", text, "-o", str(wav)])
    phones, prev = [], 0.0
    for tok in out.split():
        label, end = tok.rsplit(":", 1)
        phones.append((_radio(label), prev, float(end)))
        prev = float(end)
    return _read(wav), phones


def festival(voice: str, text: str, tmp: Path) -> tuple[np.ndarray, Timeline]:
    wav = tmp / "s.wav"
    quoted = text.replace("\\", "").replace('"', "")
    script = tmp / "s.scm"
    script.write_text(
        f"(voice_{voice})\n"
        f'(set! utt (SynthText "{quoted}"))\n'
        f'(utt.save.wave utt "{wav}" \'riff)\n'
        '(mapcar (lambda (s) (format t "%s %f\\n" (item.name s) (item.feat s "end")))'
        " (utt.relation.items utt 'Segment))\n"
    )
    out = _run(["festival", "-b", str(script)])
    phones, prev = [], 0.0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2:
            phones.append((_radio(parts[0]), prev, float(parts[1])))
            prev = float(parts[1])
    return _read(wav), phones


# espeak-ng English phoneme mnemonics -> ARPAbet (stress digit where the vowel is reduced)
ESPEAK = {
    "a": "AE", "a#": "AH0", "A:": "AA", "A@": "AA", "0": "AA", "O:": "AO", "O@": "AO", "O": "AO",
    "V": "AH1", "@": "AH0", "@2": "AH0", "@5": "AH0", "3": "ER0", "3:": "ER1", "E": "EH", "e@": "EH",
    "I": "IH", "I2": "IH", "I#": "IH", "i": "IY", "i:": "IY", "i@": "IH", "i@3": "IH", "U": "UH",
    "U@": "UH", "u:": "UW", "u": "UW", "aI": "AY", "aU": "AW", "eI": "EY", "oU": "OW", "OI": "OY",
    "aI@": "AY", "aU@": "AW", "@L": "L", "a2": "AH0", "e": "EH", "o@": "AO", "aa": "AA", "IR": "ER",
    "p": "P", "b": "B", "t": "T", "t#": "T", "d": "D", "d#": "D", "k": "K", "g": "G", "m": "M",
    "n": "N", "n-": "N", "N": "NG", "f": "F", "v": "V", "T": "TH", "D": "DH", "s": "S", "z": "Z",
    "S": "SH", "Z": "ZH", "h": "HH", "tS": "CH", "dZ": "JH", "l": "L", "l/": "L", "r": "R",
    "r-": "R", "w": "W", "j": "Y", "x": "HH", "?": "T", "z#": "Z",
    "_": "sil", "_:": "sil", "_!": "sil", "_^_": "sil", "_|": "sil",
}  # fmt: skip


class _EspeakID(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _EspeakEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", _EspeakID)]  # fmt: skip


_PHONEME_EVENT, _END_EVENTS = 7, (5, 6)
_espeak_lib = None


Events = list[tuple[str, int]]  # (phoneme name or "_end", sample at the library's rate)


def speak_events(lib: ctypes.CDLL, voice: str, text: str,
                 parameters: dict[int, int] | None = None) -> tuple[np.ndarray, Events]:  # fmt: skip
    """``text`` said by ``voice`` through an initialised libespeak-ng (synchronous, phoneme
    events on), with ``parameters`` (espeak_PARAMETER -> value: rate, pitch) set after the
    voice: its audio at the library's own rate, and its phoneme events as (name or ``_end``,
    sample); ValueError where there is no such voice or nothing was said."""
    chunks: list[np.ndarray] = []
    marks: Events = []

    def on_audio(wav, n, events) -> int:
        if n > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).astype(np.float32) / 32768.0)
        i = 0
        while events[i].type != 0:
            event = events[i]
            if event.type == _PHONEME_EVENT:  # the name is up to 8 bytes of UTF-8, NUL-padded
                marks.append((bytes(event.id.string).split(b"\0")[0].decode("utf-8", "ignore"), event.sample))
            elif event.type in _END_EVENTS:
                marks.append(("_end", event.sample))
            i += 1
        return 0

    callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                ctypes.POINTER(_EspeakEvent))(on_audio)  # fmt: skip
    lib.espeak_SetSynthCallback(callback)
    if lib.espeak_SetVoiceByName(voice.encode()) != 0:
        raise ValueError(f"espeak-ng has no voice {voice}")
    for parameter, value in (parameters or {}).items():
        lib.espeak_SetParameter(parameter, value, 0)
    data = text.encode()
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 0, None, None)
    lib.espeak_Synchronize()
    if not chunks:
        raise ValueError(f"espeak-ng said nothing for {text!r}")
    return np.concatenate(chunks), marks


def espeak(voice: str, text: str, tmp: Path) -> tuple[np.ndarray, Timeline]:
    global _espeak_lib
    if _espeak_lib is None:
        _espeak_lib = ctypes.CDLL(ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1")
        # synchronous output, phoneme events on
        _espeak_lib.rate = _espeak_lib.espeak_Initialize(2, 0, None, 1)
    lib = _espeak_lib
    try:
        audio, marks = speak_events(lib, voice, text)
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None
    rate = lib.rate
    total = len(audio)
    phones: Timeline = []
    starts = [(label, s) for label, s in marks]
    if not starts or starts[0][1] > 0:
        phones.append(("sil", 0.0, (starts[0][1] if starts else total) / rate))
    for (label, s), (_, nxt) in zip(starts, [*starts[1:], ("_end", total)], strict=True):
        if label == "_end" or nxt <= s:
            continue
        name = _espeak_label(label)
        if name is None and phones:  # a bare modifier: it belongs to the phone before
            phones[-1] = (phones[-1][0], phones[-1][1], nxt / rate)
        elif name is not None:
            phones.append((name, s / rate, nxt / rate))
    if phones and phones[-1][2] < total / rate:
        phones.append(("sil", phones[-1][2], total / rate))
    return soxr.resample(audio, rate, RATE).astype(np.float32), phones


def _espeak_label(label: str) -> str | None:
    """ARPAbet for an espeak mnemonic; variant digits and ';' (palatal) marks are dropped."""
    if label in ESPEAK:
        return ESPEAK[label]
    base = label.rstrip("0123456789;")
    if base in ESPEAK:
        return ESPEAK[base]
    if base == "":
        return None
    raise RuntimeError(f"unknown espeak phoneme {label!r}")


ENGINES = {"flite": flite, "festival": festival, "espeak": espeak}
BINARIES = {"flite": "flite", "festival": "festival", "espeak": "espeak-ng"}


def _radio(label: str) -> str:
    if label not in RADIO:
        raise RuntimeError(f"unknown festival phone {label!r}")
    return RADIO[label]


def _run(cmd: list[str]) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120).stdout


def _read(path: Path) -> np.ndarray:
    audio, rate = sf.read(path, dtype="float32")
    return soxr.resample(audio, rate, RATE).astype(np.float32) if rate != RATE else audio


# ---------------------------------------------------------------- items


def verify(audio: np.ndarray, phones: Timeline) -> str | None:
    """Why this timeline cannot be trusted, or None."""
    length = len(audio) / RATE
    if not phones or abs(phones[-1][2] - length) > 0.05:
        return f"timeline ends at {phones[-1][2] if phones else 0:.3f} s, audio at {length:.3f} s"
    peak = float(np.abs(audio).max()) or 1.0
    for label, a, b in phones:
        if label == "sil" and b - a > 0.1:
            seg = audio[int((a + 0.03) * RATE) : int((b - 0.03) * RATE)]
            if seg.size and np.sqrt(np.mean(seg**2)) > 0.05 * peak:
                return f"pause {a:.2f}-{b:.2f} s is not quiet"
    return None


def make_item(engine: str, voice: str, sentences: list[str], pauses: list[float]):
    chunks, timeline, t = [], [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for text, pause in zip(sentences, pauses, strict=True):
            audio, phones = ENGINES[engine](voice, text, Path(tmp))
            problem = verify(audio, phones)
            if problem:
                raise RuntimeError(f"{text!r}: {problem}")
            audio = audio[: int(round(phones[-1][2] * RATE))]
            audio = np.pad(audio, (0, int(round(phones[-1][2] * RATE)) - len(audio)))
            silence = np.zeros(int(round(pause * RATE)), np.float32)
            timeline += [(label, t + a, t + b) for label, a, b in phones]
            t += len(audio) / RATE
            timeline.append(("sil", t, t + len(silence) / RATE))
            t += len(silence) / RATE
            chunks += [audio, silence]
    return np.concatenate(chunks), join_silences(timeline)


def join_silences(timeline: list) -> list[list]:
    """The timeline without empty phones, touching silences joined (a sentence's end and the pause
    after it are one silence to a reference)."""
    merged: list[list] = []
    for label, a, b in timeline:
        if b - a <= 1e-6:
            continue
        if merged and label == "sil" == merged[-1][0]:
            merged[-1][2] = b
        else:
            merged.append([label, a, b])
    return merged


def write_item(folder: Path, name: str, audio: np.ndarray, timeline: list, text: str) -> None:
    peak = float(np.abs(audio).max())
    if peak > 0.99:
        audio = audio * (0.99 / peak)
    sf.write(folder / f"{name}.wav", audio, RATE, subtype="PCM_16")
    (folder / f"{name}.txt").write_text(text + "\n")
    doc = [{"phone": p, "start": round(a, 4), "end": round(b, 4)} for p, a, b in timeline]
    (folder / f"{name}.phones.json").write_text(json.dumps(doc, indent=0) + "\n")
