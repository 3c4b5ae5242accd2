"""A corpus: audio files with their transcripts, reference phones and captures.

Items are found by file name stem anywhere under the corpus folder, so both a
flat folder (``NAME.wav``, ``NAME.txt``, ``NAME.phones.json``, ``NAME.csv``) and
a database laid out in sub-folders (``wavFiles/NAME.wav``,
``annotationFiles/NAME.lab``, ...) work. A folder with a ``manifest.tsv``
(columns ``id``, ``audio``, ``text`` and optionally ``speaker``) is read from
the manifest instead: that is how the real-speech sets give each utterance its
speaker, so training can hold out whole speakers.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from audioface.audio.load import AUDIO_EXTENSIONS
from audioface.errors import AudioFaceError

PHONE_SUFFIXES = (".phones.json", ".TextGrid", ".textgrid", ".lab")


@dataclass(frozen=True)
class Item:
    name: str
    audio: Path
    text: str | None = None
    phones: Path | None = None
    capture: Path | None = None
    speaker: str | None = None  # who speaks, where the corpus says: held out as a whole


MANIFEST = "manifest.tsv"


def find_items(folder: str | Path) -> list[Item]:
    folder = Path(folder)
    if not folder.is_dir():
        raise AudioFaceError(f"corpus folder not found: {folder}")
    if (folder / MANIFEST).is_file():
        return read_manifest(folder / MANIFEST)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    by_name: dict[str, list[Path]] = {}
    for p in files:
        by_name.setdefault(p.name, []).append(p)

    def companion(stem: str, *suffixes: str) -> Path | None:
        for suffix in suffixes:
            if stem + suffix in by_name:
                return by_name[stem + suffix][0]
        return None

    items = []
    for audio in files:
        if audio.suffix.lower() not in AUDIO_EXTENSIONS:
            continue
        stem = audio.name[: -len(audio.suffix)]
        text_file = companion(stem, ".txt")
        text = text_file.read_text(encoding="utf-8-sig").strip() if text_file else None
        items.append(
            Item(stem, audio, text or None, companion(stem, *PHONE_SUFFIXES), companion(stem, ".csv"))
        )
    if not items:
        raise AudioFaceError(f"no audio files ({', '.join(AUDIO_EXTENSIONS)}) in corpus {folder}")
    return items


def read_manifest(path: Path) -> list[Item]:
    """Items listed in a tab-separated manifest; audio paths are relative to its folder."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    missing = {"id", "audio", "text"} - set(rows[0] if rows else {})
    if missing:
        raise AudioFaceError(f"{path}: the manifest has no {', '.join(sorted(missing))} column")
    items = []
    for row in rows:
        audio = path.parent / row["audio"]
        if not audio.is_file():
            raise AudioFaceError(f"{path}: audio file not found: {row['audio']}")
        items.append(Item(row["id"], audio, row["text"].strip() or None, speaker=row.get("speaker") or None))
    return items
