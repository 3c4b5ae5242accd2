"""The rules' guarantees on live frames, from phones placed as they are spoken.

Offline, :func:`audioface.motion.mouth.enforce_weights` holds a learned mouth
to the phones of a whole aligned track. Live, a frame must go out about 90 ms
after its time, while the phone it lies in may still be going on, so the
rules here are per frame: each frame knows only its own phone and, in a
pause, how long the pause has lasted. Lips seal on every frame of P/B/M, the
lower lip tucks on F/V, lips round at least as the rules round their rounded phones
(``targets.ROUNDED``: UW, W, OW, UH, AO),
and a pause settles the mouth to rest once it has lasted ``REST_AFTER``. A diphthong is one
phone here (its parts' split needs its end), so OW rounds as its rounded part does.
"""

from __future__ import annotations

import numpy as np

from audioface import arkit
from audioface.motion import targets
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
) -> np.ndarray:
    """``weights`` (frames, 52) held to ``phones`` (the aligned phone at each frame, ``sil``
    in pauses); ``into``: seconds each frame lies into its phone."""
    out = weights.copy()
    col = arkit.INDEX
    names = np.asarray(phones)
    into = np.asarray(into, float)
    seal = np.isin(names, sorted(targets.BILABIALS))
    out[seal, col["mouthClose"]] = out[seal, col["jawOpen"]]
    for name in LIP_RAISERS:
        out[seal, col[name]] = 0.0
    for phone in sorted(targets.LABIODENTALS | targets.ROUNDED):
        at = names == phone
        if not at.any():
            continue
        rule = targets.target(phone, table)
        if phone in targets.LABIODENTALS:
            floor = {"mouthRollLower": rule[targets.P["rollLower"]]}
        else:  # a rounding diphthong (OW) rounds on its second part: a frame cannot know which
            parts = targets.DIPHTHONGS.get(phone, (phone,))[:2]
            shape = targets.to_arkit(np.array([targets.target(q, table) for q in parts])).max(axis=0)
            floor = {name: shape[col[name]] for name in ("mouthFunnel", "mouthPucker")}
        for name, value in floor.items():
            out[at, col[name]] = np.maximum(out[at, col[name]], value)
    hold = np.where(names == "sil", np.clip((into - REST_AFTER) / REST_RAMP, 0.0, 1.0), 0.0)
    hold[lip_gap(weights) > OPEN_OVERRIDES] = 0.0  # the audio says speech has begun: the words are late
    mouth = [col[name] for name in arkit.MOUTH_GROUP]
    out[:, mouth] *= (1.0 - hold)[:, None]
    return out
