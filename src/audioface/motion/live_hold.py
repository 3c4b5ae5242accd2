"""The rules' guarantees on live frames, from phones placed as they are spoken.

Offline, :func:`audioface.motion.mouth.enforce_weights` holds a learned mouth
to the phones of a whole aligned track. Live, a frame must go out about 90 ms
after its time, while the phone it lies in may still be going on, so the
rules here are per frame: each frame knows only its own phone and, in a
pause, how long the pause has lasted. Lips seal on every frame of P/B/M, the
lower lip tucks on F/V, lips round at least as the rules round their rounded phones
(``targets.ROUNDED``: UW, W, OW, UH, AO),
and a pause settles the mouth to rest once it has lasted ``REST_AFTER``. A diphthong is one
phone here (its parts' split needs its end), so OW rounds as its rounded part does. Told each
frame's IPA, a frame is held by its segment's class and shape (``articulation.mouth_class``: a
French y rounds as y, a bilabial click seals); English IPA reads as its ARPAbet phone.
"""

from __future__ import annotations

import numpy as np

from audioface import arkit
from audioface.motion import articulation, targets
from audioface.motion.mouth import LIP_RAISERS
from audioface.signals import lip_gap

REST_AFTER = 0.08  # s into a pause before the mouth starts to settle (short gaps between words stay)
REST_RAMP = 0.10  # s over which it settles
OPEN_OVERRIDES = 0.2  # lip opening of the live model's own frame that keeps a pause from resting it


def hold_to_phones(
    weights: np.ndarray,
    phones: list[str],
    into: np.ndarray,
    table: targets.PhoneTable | None = None,
    ipa: list[str] | None = None,
) -> np.ndarray:
    """``weights`` (frames, 52) held to ``phones`` (the aligned phone at each frame, ``sil``
    in pauses); ``into``: seconds each frame lies into its phone; ``ipa``: each frame's
    segment as its language says it, where the aligner knows it ("" or None elsewhere)."""
    out = weights.copy()
    col = arkit.INDEX
    names = np.asarray(phones)
    into = np.asarray(into, float)
    said = np.asarray([s or "" for s in ipa] if ipa is not None else [""] * len(phones), dtype=object)
    kinds = {pair: articulation.mouth_class(*pair) for pair in set(zip(phones, said.tolist(), strict=True))}
    at = {pair: (names == pair[0]) & (said == pair[1]) for pair in kinds}
    seal = np.zeros(len(names), bool)
    for pair in (p for p, kind in kinds.items() if kind == "closure"):
        seal |= at[pair]
    out[seal, col["mouthClose"]] = out[seal, col["jawOpen"]]
    for name in LIP_RAISERS:
        out[seal, col[name]] = 0.0
    for pair in sorted(p for p, kind in kinds.items() if kind in ("labiodental", "rounding")):
        for name, value in _floor(*pair, kinds[pair], table).items():
            out[at[pair], col[name]] = np.maximum(out[at[pair], col[name]], value)
    hold = np.where(names == "sil", np.clip((into - REST_AFTER) / REST_RAMP, 0.0, 1.0), 0.0)
    hold[lip_gap(weights) > OPEN_OVERRIDES] = 0.0  # the audio says speech has begun: the words are late
    mouth = [col[name] for name in arkit.MOUTH_GROUP]
    out[:, mouth] *= (1.0 - hold)[:, None]
    return out


def _floor(phone: str, symbol: str, kind: str, table: targets.PhoneTable | None) -> dict[str, float]:
    """The least a frame of this phone must show: its tuck, or its rounding (a diphthong's
    rounder part: a frame cannot know which part it lies in)."""
    if kind == "labiodental":
        return {"mouthRollLower": articulation.phone_shape(phone, symbol, table)[0][targets.P["rollLower"]]}
    if articulation.is_english(phone, symbol):
        parts = [(q, "") for q in targets.DIPHTHONGS.get(phone, (phone,))[:2]]
    else:
        parts = [(phone, q) for q in articulation.glide_parts(symbol) or (symbol,)]
    rows = np.array([articulation.phone_shape(q, s, table)[0] for q, s in parts])
    shape = targets.to_arkit(rows).max(axis=0)
    return {name: shape[arkit.INDEX[name]] for name in ("mouthFunnel", "mouthPucker")}
