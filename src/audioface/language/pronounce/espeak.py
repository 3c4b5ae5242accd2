"""espeak-ng through the ``espeakng-loader`` wheel: a word in any of its languages -> IPA.

The wheel ships ``libespeak-ng.so`` and its ``espeak-ng-data`` folder inside the package and
says where (``get_library_path``, ``get_data_path``), so nothing is installed system-wide and no
data is fetched. We call the C API with ctypes: ``espeak_Initialize`` once, then per word
``espeak_SetVoiceByName`` and ``espeak_TextToPhonemes`` with IPA output and a tie (U+0361)
inside multi-letter phonemes, so ``t͡ʃ`` and ``a͡ɪ`` come out as one phoneme each.

espeak-ng keeps one global state (the voice, its dictionary): every call holds :data:`_LOCK`,
so threads take turns; each process (forked workers included) initialises its own copy the
first time it asks. The library is licensed GPL-3.0 (see the README's licences).
"""

from __future__ import annotations

import ctypes
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audioface.errors import AudioFaceError

_LOCK = threading.Lock()
_SYNCHRONOUS = 2  # AUDIO_OUTPUT_SYNCHRONOUS: no sound device is opened
_DONT_EXIT = 0x8000  # espeakINITIALIZE_DONT_EXIT: an error returns instead of ending the process
_IPA_TIED = 0x02 | 0x80 | (0x361 << 8)  # bit 1 IPA, bit 7 "bits 8-23 are a tie", the tie U+0361
# voices that write tones as digits; their IPA writes tone 3 with the vowel letter "ɜ"
TONAL = frozenset({"cmn", "yue", "hak", "vi", "vi-vn-x-central", "vi-vn-x-south", "th", "shn"})


def data_path() -> Path:
    """The wheel's espeak-ng-data folder (raises AudioFaceError when the wheel is missing)."""
    try:
        import espeakng_loader
    except ImportError as err:
        raise AudioFaceError("espeak-ng is missing: pip install espeakng-loader", "language") from err
    return Path(espeakng_loader.get_data_path())


@lru_cache(maxsize=1)
def _library() -> ctypes.CDLL:
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
    lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    if lib.espeak_Initialize(_SYNCHRONOUS, 0, str(data_path()).encode(), _DONT_EXIT) <= 0:
        raise AudioFaceError(f"espeak-ng could not start with its data in {data_path()}", "language")
    return lib


@dataclass(frozen=True)
class Voice:
    """One voice file of the bundled data: its identifier (what SetVoiceByName takes), its
    name, and the language codes it answers to (lower case) with their priorities (espeak-ng's:
    lower is preferred, 5 where the file gives none)."""

    identifier: str
    name: str
    languages: tuple[tuple[str, int], ...]


@lru_cache(maxsize=1)
def voices() -> tuple[Voice, ...]:
    """Every voice in the wheel's data, read from the voice files (no library call)."""
    found = []
    for path in sorted((data_path() / "lang").rglob("*")):
        if not path.is_file():
            continue
        name, languages = path.name, []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, rest = line.strip().partition(" ")
            if key == "name":
                name = rest.strip()
            elif key == "language" and rest.split():
                words = rest.split()
                priority = int(words[1]) if len(words) > 1 and words[1].isdigit() else 5
                languages.append((words[0].lower(), priority))
        found.append(Voice(path.name, name, tuple(languages)))
    return tuple(found)


def _clean(ipa: str, voice: str) -> str:
    """espeak-ng's output -> plain IPA: language-switch marks dropped ("(en)"), tone digits kept."""
    ipa = re.sub(r"\((?:[a-z-]|\u0361)+\)", "", ipa)
    if voice.lower() in TONAL:
        ipa = ipa.replace("ɜ", "3")
    return ipa.replace("\n", " ").strip()


@lru_cache(maxsize=65536)
def to_ipa(text: str, voice: str) -> str:
    """A word (or a phrase) read by one voice, as IPA with ties and stress marks; cached."""
    with _LOCK:
        lib = _library()
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise AudioFaceError(f"espeak-ng has no voice {voice!r}", setting="language")
        buf = ctypes.c_char_p(text.encode("utf-8"))
        pointer, out = ctypes.pointer(buf), []
        while buf.value:
            piece = lib.espeak_TextToPhonemes(pointer, 1, _IPA_TIED)  # 1: UTF-8 text
            if piece is None:
                break
            out.append(piece.decode("utf-8", errors="replace"))
    return _clean(" ".join(out), voice)
