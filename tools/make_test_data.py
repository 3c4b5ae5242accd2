#!/usr/bin/env python3
"""Make the committed test recordings and the bundled example with flite.

flite reports its own phone timings (``-psdur``: per sentence, ``phone:end``
from 0). Each sentence is synthesised on its own and the pieces are joined with
silences of known length, so the reference timeline is exact; every piece is
checked (timeline ends within 50 ms of the audio, pauses quiet) and the run
fails loudly otherwise. Needs Debian's ``flite``; run from the repository root:

    python3 tools/make_test_data.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 16000
# flite's lexicon uses lower-case CMU phones without stress; "ax" is schwa, "pau" silence.
TO_ARPABET = {"ax": "AH0", "pau": "sil"}

ITEMS = {
    # name: (voice, sentences, pause after each sentence in seconds)
    "slt_muffin": (
        "slt",
        [
            "Peter bought a muffin from the bakery.",
            "Move over, the boat will leave at five.",
        ],
        [0.45, 0.2],
    ),
    "awb_weather": (
        "awb",
        [
            "The weather was mild, and the streets were quiet.",
            "We walked home over the bridge before noon.",
        ],
        [0.5, 0.2],
    ),
    "rms_numbers": (
        "rms",
        [
            "My brother paid 3 dollars for a bowl of soup.",
            "Fifteen people moved to the village of Bamford.",
        ],
        [0.4, 0.2],
    ),
    "slt_rounding": (
        "slt",
        [
            "Bob made a map of the farm.",
            "Who knew that you would go?",
        ],
        [0.35, 0.2],
    ),
}
EXAMPLE = (
    "slt",
    [
        "Hello! My name is Amber, and I bring your avatars to life.",
        "Every word moves my lips, just as you would expect.",
    ],
    [0.3, 0.2],
)


def synth_sentence(voice: str, text: str, tmp: Path) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
    wav = tmp / "s.wav"
    out = subprocess.run(
        ["flite", "-voice", voice, "-psdur", "-t", text, "-o", str(wav)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    audio, rate = sf.read(wav, dtype="float32")
    assert rate == RATE, f"flite voice {voice} gave {rate} Hz"
    phones, prev = [], 0.0
    for tok in out.split():
        label, end = tok.rsplit(":", 1)
        phones.append((TO_ARPABET.get(label, label.upper()), prev, float(end)))
        prev = float(end)
    return audio, phones


def verify(audio: np.ndarray, phones: list[tuple[str, float, float]], what: str) -> None:
    length = len(audio) / RATE
    if abs(phones[-1][2] - length) > 0.05:
        raise SystemExit(f"{what}: timeline ends at {phones[-1][2]:.3f} s, audio at {length:.3f} s")
    peak = np.abs(audio).max()
    for label, a, b in phones:
        if label == "sil" and b - a > 0.1:
            seg = audio[int((a + 0.03) * RATE) : int((b - 0.03) * RATE)]
            if seg.size and np.sqrt(np.mean(seg**2)) > 0.05 * peak:
                raise SystemExit(f"{what}: pause {a:.2f}-{b:.2f} s is not quiet")


def make(name: str, voice: str, sentences: list[str], pauses: list[float], folder: Path) -> None:
    chunks, timeline, t = [], [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for text, pause in zip(sentences, pauses, strict=True):
            audio, phones = synth_sentence(voice, text, Path(tmp))
            verify(audio, phones, f"{name}: {text!r}")
            audio = audio[: int(round(phones[-1][2] * RATE))]  # cut to the timeline exactly
            silence = np.zeros(int(round(pause * RATE)), np.float32)
            for label, a, b in phones:
                timeline.append((label, t + a, t + b))
            t += len(audio) / RATE
            timeline.append(("sil", t, t + len(silence) / RATE))
            t += len(silence) / RATE
            chunks += [audio, silence]
    merged: list[list] = []
    for label, a, b in timeline:  # join touching silences
        if merged and label == "sil" == merged[-1][0]:
            merged[-1][2] = b
        else:
            merged.append([label, a, b])
    sf.write(folder / f"{name}.wav", np.concatenate(chunks), RATE, subtype="PCM_16")
    (folder / f"{name}.txt").write_text(" ".join(sentences) + "\n")
    phones_doc = [{"phone": p, "start": round(a, 4), "end": round(b, 4)} for p, a, b in merged]
    (folder / f"{name}.phones.json").write_text(json.dumps(phones_doc, indent=0) + "\n")
    print(f"{folder / name}: {t:.2f} s, {len(merged)} phones", file=sys.stderr)


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    data = root / "tests" / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name, (voice, sentences, pauses) in ITEMS.items():
        make(name, voice, sentences, pauses, data)
    make("hello", *EXAMPLE, root / "examples")


if __name__ == "__main__":
    main()
