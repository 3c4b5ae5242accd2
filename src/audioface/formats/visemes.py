"""Viseme weight tracks for avatars: Oculus/Meta 15 (also VRChat, Ready Player Me) and VRM 5.

Each frame holds weights of the viseme classes, cross-faded between phones (a
Gaussian of ``BLEND`` seconds) and normalised to sum to 1, so an avatar system
can drive its morph targets directly.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from audioface.animation import Animation
from audioface.errors import AudioFaceError

OVR = ("sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou")
PHONE_OVR = {
    "sil": "sil", "P": "PP", "B": "PP", "M": "PP", "F": "FF", "V": "FF", "TH": "TH", "DH": "TH",
    "T": "DD", "D": "DD", "K": "kk", "G": "kk", "NG": "kk", "HH": "kk",
    "CH": "CH", "JH": "CH", "SH": "CH", "ZH": "CH", "S": "SS", "Z": "SS", "N": "nn", "L": "nn",
    "R": "RR", "ER": "RR", "AA": "aa", "AE": "aa", "AH": "aa", "AW": "aa", "AY": "aa",
    "EH": "E", "EY": "E", "IH": "ih", "IY": "ih", "Y": "ih", "AO": "oh", "OW": "oh", "OY": "oh",
    "UW": "ou", "UH": "ou", "W": "ou",
}  # fmt: skip
VRM = ("aa", "ih", "ou", "ee", "oh")
OVR_TO_VRM = {"aa": "aa", "ih": "ih", "ou": "ou", "E": "ee", "oh": "oh"}
BLEND = 0.025  # s


def ovr_weights(anim: Animation) -> np.ndarray:
    """(frames, 15) weights summing to 1 per frame."""
    from audioface.filters import gaussian_filter1d

    times = anim.times()
    onehot = np.zeros((len(times), len(OVR)))
    onehot[:, 0] = 1.0
    for ph in anim.track.phones():
        sel = (times >= ph.start) & (times < ph.end)
        onehot[sel] = 0.0
        onehot[sel, OVR.index(PHONE_OVR.get(ph.phone, "DD"))] = 1.0
    smooth = gaussian_filter1d(onehot, sigma=BLEND * anim.fps, axis=0, mode="nearest")
    return smooth / smooth.sum(axis=1, keepdims=True)


def vrm_weights(anim: Animation) -> np.ndarray:
    """(frames, 5): the vowel visemes only; consonants and silence leave the mouth neutral."""
    ovr = ovr_weights(anim)
    return np.stack([ovr[:, OVR.index(k)] for k in OVR_TO_VRM], axis=1)


def _csv(anim: Animation, names: tuple[str, ...], weights: np.ndarray) -> str:
    buf = io.StringIO()
    buf.write(",".join(["time", *names]) + "\n")
    for t, row in zip(anim.times(), weights, strict=True):
        buf.write(f"{t:.4f}," + ",".join(f"{v:.4f}" for v in row) + "\n")
    return buf.getvalue()


def to_ovr_csv(anim: Animation) -> str:
    return _csv(anim, OVR, ovr_weights(anim))


def to_vrm_csv(anim: Animation) -> str:
    return _csv(anim, VRM, vrm_weights(anim))


def read_visemes_csv(path: str | Path) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """(viseme names, frame times, weights) from an OVR or VRM CSV as written above."""
    lines = [line.split(",") for line in Path(path).read_text().splitlines() if line.strip()]
    if not lines or lines[0][0] != "time" or tuple(lines[0][1:]) not in (OVR, VRM):
        raise AudioFaceError(f"not an OVR or VRM viseme CSV (header time,{'|'.join(OVR[:3])}...): {path}")
    try:
        values = np.array([[float(v) for v in row] for row in lines[1:]], dtype=np.float64)
    except ValueError as exc:
        raise AudioFaceError(f"cannot read viseme CSV {path}: {exc}") from None
    if values.ndim != 2 or values.shape[1] != len(lines[0]):
        raise AudioFaceError(f"viseme CSV rows do not match its header: {path}")
    return tuple(lines[0][1:]), values[:, 0], values[:, 1:]
