"""A corpus: audio files with their transcripts, reference phones and captures.

Items are found by file name stem anywhere under the corpus folder, so both a
flat folder (``NAME.wav``, ``NAME.txt``, ``NAME.phones.json``, ``NAME.csv``) and
a database laid out in sub-folders (``wavFiles/NAME.wav``,
``annotationFiles/NAME.lab``, ...) work. A folder with a ``manifest.tsv``
(columns ``id``, ``audio``, ``text`` and optionally ``speaker`` and ``language``)
is read from the manifest instead: that is how the real-speech sets give each
utterance its speaker, so training can hold out whole speakers.

An item's language (a code such as ``fr`` or ``zh``, what ``--language`` takes) is
its ``NAME.lang`` file (one line) in a folder, its ``language`` column (or ``lang``,
as ``shared/data/multilingual-speech`` spells it) in a manifest; without one the
item's language is left to ``auto``.
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
    language: str | None = None  # what is spoken, where the corpus says (NAME.lang, a manifest column)


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
        lang_file = companion(stem, ".lang")
        language = lang_file.read_text(encoding="utf-8-sig").strip() if lang_file else None
        phones, capture = companion(stem, *PHONE_SUFFIXES), companion(stem, ".csv")
        items.append(Item(stem, audio, text or None, phones, capture, language=language or None))
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
        language = (row.get("language") or row.get("lang") or "").strip() or None
        items.append(Item(row["id"], audio, row["text"].strip() or None, speaker=row.get("speaker") or None,
                          language=language))  # fmt: skip
    return items
