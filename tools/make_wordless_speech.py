#!/usr/bin/env python3
"""Make tests/files/catalan_espeak.wav: a sentence of speech none of whose words Whisper keeps.

espeak-ng's robotic Catalan voice (m3): tiny.en writes English it is unsure of, base's language
detection takes the voice for English, and the segments are dropped as invented, so the default
recogniser is left with no words on 1.8 s of speech (the face stayed at rest; now the phones
heard animate it). Needs Debian's ``espeak-ng``.

    python3 tools/make_wordless_speech.py tests/files
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import soundfile as sf

from audioface.audio import load_audio

NAME, VOICE, TEXT = "catalan_espeak.wav", "ca+m3", "On és l'estació de tren, si us plau?"


def main(folder: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / NAME
        subprocess.run(["espeak-ng", "-v", VOICE, "-s", "160", "-p", "50", "-w", str(raw), TEXT], check=True)
        out = Path(folder) / NAME
        # 16 kHz mono, as the pipeline hears it
        sf.write(out, load_audio(raw).samples, 16000, subtype="PCM_16")
        print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/files")
