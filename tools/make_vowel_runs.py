#!/usr/bin/env python3
"""Make the voiced-run test clips in tests/files/: vowels spoken without a pause, cut inside
the voicing so the clip is voiced from its first frame to its last (no silence to measure a
floor against). Needs Debian's ``espeak-ng``.

    python3 tools/make_vowel_runs.py tests/files
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from audioface.audio import detect_activity, load_audio

# (file name, espeak-ng voice, text): vowel runs as a Japanese speaker reads them, and a sung-like
# held vowel in French
RUNS = [("vowel_run_ja.wav", "ja", "あいおい あおいあい"), ("vowel_run_fr.wav", "fr", "aïoï aïe")]


def voiced_core(path: Path) -> np.ndarray:
    """The stretch from 10 ms after the first to the last frame within 25 dB of the loudest."""
    audio = load_audio(path)
    db = detect_activity(audio).db
    loud = np.flatnonzero(db > db.max() - 25)
    return audio.samples[(loud[0] + 1) * 160 : loud[-1] * 160]


def main(folder: str) -> None:
    out = Path(folder)
    with tempfile.TemporaryDirectory() as tmp:
        for name, voice, text in RUNS:
            raw = Path(tmp) / name
            subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
            sf.write(out / name, voiced_core(raw), 16000, subtype="PCM_16")
            print(f"wrote {out / name}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/files")
