"""Offline grapheme-to-phoneme for words the CMU dictionary lacks.

A small trained GRU encoder-decoder from the ``g2p-en`` project (Kyubyong Park and Jongseok Kim,
Apache-2.0: ``models/g2p-en-LICENSE.txt``), its ``checkpoint20.npz`` shipped inside AudioFace as
``models/g2p-en-checkpoint20.npz``, run in NumPy (greedy decoding). Only the weights are used:
depending on the ``g2p-en`` package brought NLTK and its friends (about 20 MB of the install), and
importing it tries to download NLTK data, which must never happen here.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from audioface.errors import AudioFaceError

GRAPHEMES = ["<pad>", "<unk>", "</s>", *"abcdefghijklmnopqrstuvwxyz"]
_VOWELS_STRESSED = ["AA", "AE", "AH", "AO", "AW", "AY"]
PHONEMES = (
    ["<pad>", "<unk>", "<s>", "</s>"]
    + [f"{v}{s}" for v in _VOWELS_STRESSED for s in "012"]
    + ["B", "CH", "D", "DH"]
    + [f"{v}{s}" for v in ("EH", "ER", "EY") for s in "012"]
    + ["F", "G", "HH"]
    + [f"{v}{s}" for v in ("IH", "IY") for s in "012"]
    + ["JH", "K", "L", "M", "N", "NG"]
    + [f"{v}{s}" for v in ("OW", "OY") for s in "012"]
    + ["P", "R", "S", "SH", "T", "TH"]
    + ["UH0", "UH1", "UH2", "UW", "UW0", "UW1", "UW2"]
    + ["V", "W", "Y", "Z", "ZH"]
)
_START, _END = PHONEMES.index("<s>"), PHONEMES.index("</s>")
MAX_PHONES = 30
CHECKPOINT = "g2p-en-checkpoint20.npz"


@lru_cache(maxsize=1)
def _weights() -> dict[str, np.ndarray]:
    path = Path(str(resources.files("audioface.models") / CHECKPOINT))
    if not path.is_file():
        raise AudioFaceError(f"the g2p checkpoint is missing ({path}): reinstall audioface")
    with np.load(path) as z:
        weights = {k: z[k].astype(np.float32) for k in z.files}
    if weights["fc_w"].shape[0] != len(PHONEMES) or weights["enc_emb"].shape[0] != len(GRAPHEMES):
        raise AudioFaceError(f"unexpected g2p checkpoint layout in {path}")
    return weights


def _gru_step(x: np.ndarray, h: np.ndarray, w: dict, prefix: str) -> np.ndarray:
    gi = x @ w[f"{prefix}_w_ih"].T + w[f"{prefix}_b_ih"]
    gh = h @ w[f"{prefix}_w_hh"].T + w[f"{prefix}_b_hh"]
    n = h.shape[-1]
    r = 1.0 / (1.0 + np.exp(-(gi[:n] + gh[:n])))
    z = 1.0 / (1.0 + np.exp(-(gi[n : 2 * n] + gh[n : 2 * n])))
    cand = np.tanh(gi[2 * n :] + r * gh[2 * n :])
    return (1.0 - z) * cand + z * h


@lru_cache(maxsize=4096)
def predict(word: str) -> tuple[str, ...]:
    """Pronounce a lower-case word as ARPAbet with stress digits, e.g. 'gregson'."""
    w = _weights()
    letters = [c for c in word.lower() if c.isalpha()]
    if not letters:
        return ()
    h = np.zeros(w["enc_w_hh"].shape[1], np.float32)
    for ch in [*letters, "</s>"]:
        idx = GRAPHEMES.index(ch) if ch in GRAPHEMES else GRAPHEMES.index("<unk>")
        h = _gru_step(w["enc_emb"][idx], h, w, "enc")
    out: list[str] = []
    prev = _START
    for _ in range(MAX_PHONES):
        h = _gru_step(w["dec_emb"][prev], h, w, "dec")
        prev = int(np.argmax(w["fc_w"] @ h + w["fc_b"]))
        if prev == _END:
            break
        if prev >= 4:
            out.append(PHONEMES[prev])
    return tuple(out)
