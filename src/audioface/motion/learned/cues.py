"""Phone cues per 10 ms frame: what the language stage tells the learned generator.

A frame carries the identity of the phone under it (one-hot), that phone's
articulatory targets from the phone table (so an unseen combination still
knows that P seals the lips), its stress, how far through the phone the frame
is, whether a word starts there, and a flag saying cues are present at all. An
all-zero cue block with the flag down is how the same model runs audio only.

The model was trained on English, so the identity stays the ARPAbet class for every language (a
French y is UW's one-hot). Where a phone's IPA says more than its class (``articulation.py``),
the targets are the segment's own when ``SEGMENT_TARGETS`` says so (y: UW's rounding with i's
jaw); English IPA reads as the ARPAbet row, so English cues are what they were.
"""

from __future__ import annotations

import numpy as np

from audioface.motion import articulation, targets
from audioface.phones import VOWELS
from audioface.track import PhoneTrack

PHONES: tuple[str, ...] = (
    "sil", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G",
    "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH",
    "UH", "UW", "V", "W", "Y", "Z", "ZH",
)  # fmt: skip
PHONE_INDEX = {p: i for i, p in enumerate(PHONES)}
N_CUES = len(PHONES) + len(targets.PARAMS) + 4  # + stress, progress, word start, present
_ARTIC = np.stack([targets.target(p) for p in PHONES]).astype(np.float32)
# a non-English segment's cue targets are its own shape (measured: docs/phone-table.md)
SEGMENT_TARGETS = True


def phone_cues(
    track: PhoneTrack, n_frames: int, rate: float = 100.0, table: targets.PhoneTable | None = None
) -> np.ndarray:
    """(n_frames, N_CUES) cues for a timed track; frame i stands for time i / rate. The
    targets in the cues come from ``table`` (a user's phone table) when given."""
    artic = _ARTIC if table is None else np.stack([table.target(p) for p in PHONES]).astype(np.float32)
    out = np.zeros((n_frames, N_CUES), np.float32)
    base = len(PHONES) + len(targets.PARAMS)
    out[:, PHONE_INDEX["sil"]] = 1.0
    out[:, len(PHONES) : base] = artic[PHONE_INDEX["sil"]]
    out[:, base + 3] = 1.0
    for ph in track.phones():
        lo, hi = frame_range(ph.start, ph.end, n_frames, rate)
        if hi <= lo:
            continue
        k = PHONE_INDEX.get(ph.phone, PHONE_INDEX["AH"])
        out[lo:hi, : len(PHONES)] = 0.0
        out[lo:hi, k] = 1.0
        out[lo:hi, len(PHONES) : base] = _targets(ph.phone, ph.ipa, artic[k], table)
        if ph.phone in VOWELS:
            out[lo:hi, base] = {0: 0.0, 2: 0.5}.get(ph.stress, 1.0) if ph.stress is not None else 0.5
        out[lo:hi, base + 1] = (np.arange(lo, hi) / rate - ph.start) / max(ph.duration, 1e-3)
    for word in track.words:
        i = int(round(word.start * rate))
        if 0 <= i < n_frames:
            out[i, base + 2] = 1.0
    return out


def _targets(phone: str, symbol: str, row: np.ndarray, table: targets.PhoneTable | None) -> np.ndarray:
    """A phone's cue targets: its ARPAbet row, or (``SEGMENT_TARGETS``) its segment's own shape
    where its IPA says more; a tied diphthong keeps its class's row, as English ones do."""
    if not SEGMENT_TARGETS or articulation.is_english(phone, symbol) or articulation.glide_parts(symbol):
        return row
    return articulation.phone_shape(phone, symbol, table)[0].astype(np.float32)


def frame_range(start: float, end: float, n_frames: int, rate: float = 100.0) -> tuple[int, int]:
    """The frames [lo, hi) a phone from ``start`` to ``end`` covers: frame i stands for time
    i / rate, so it belongs to the phone under that instant."""
    lo, hi = int(np.ceil(start * rate - 1e-9)), int(np.ceil(end * rate - 1e-9))
    return max(lo, 0), min(hi, n_frames)


def delayed(cues: np.ndarray, delay: int) -> np.ndarray:
    """The cues a live aligner can give a model that hears audio ``delay`` frames ahead of the
    phones: each frame carries the phone settled ``delay`` frames earlier (silence before the
    start, where cues are present at all), with what only hindsight knows left out (stress,
    how far through its phone, where a word starts). :func:`live_cues` builds the same rows
    from a live aligner's phones."""
    if delay <= 0:
        return cues
    out = np.empty_like(cues)
    out[delay:] = cues[: len(cues) - delay]
    out[:delay] = live_cues(["sil"] * min(delay, len(cues))) * (cues[:1, -1:] if len(cues) else 0.0)
    out[:, len(PHONES) + len(targets.PARAMS) : -1] = 0.0
    return out


def live_cues(
    phones: list[str], present: np.ndarray | None = None, ipa: list[str] | None = None
) -> np.ndarray:
    """(len(phones), N_CUES) cues of one phone name per frame, as a live aligner settles
    them; frames where ``present`` is False get no cues (the words do not fit the audio);
    ``ipa``: each frame's segment where the aligner knows it, read as :func:`phone_cues` reads it."""
    k = np.array([PHONE_INDEX.get(p, PHONE_INDEX["AH"]) for p in phones], np.int64)
    out = np.zeros((len(k), N_CUES), np.float32)
    out[np.arange(len(k)), k] = 1.0
    out[:, len(PHONES) : len(PHONES) + len(targets.PARAMS)] = _ARTIC[k]
    cols = slice(len(PHONES), len(PHONES) + len(targets.PARAMS))
    for i, symbol in enumerate(ipa or []):
        if symbol:
            out[i, cols] = _targets(phones[i], symbol, _ARTIC[k[i]], None)
    out[:, -1] = 1.0
    if present is not None:
        out[~np.asarray(present, bool)] = 0.0
    return out


def no_cues(n_frames: int) -> np.ndarray:
    """The cue block of a model run without a phone track."""
    return np.zeros((n_frames, N_CUES), np.float32)
