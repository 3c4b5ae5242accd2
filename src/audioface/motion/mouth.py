"""The mouth generator: a timed phone track -> smooth ARKit mouth curves.

Each phone sets keys for every articulatory parameter: at its centre, or at
both ends of a plateau when it is long. Where a phone's dominance is low, its
key is pulled toward its neighbours: lips toward the *next* phone
(anticipation: lips round before "oo"), jaw toward the *previous* one
(carry-over). Monotone cubic interpolation through the keys gives smooth
curves that never overshoot the table's range. Loudness then scales the jaw,
and hard constraints make sure the lips really seal on P/B/M and tuck on F/V,
however short the phone.

A phone whose IPA says more than its ARPAbet class (a French y is UW to the models) takes its
segment's own shape and guarantee (``articulation.py``: y rounds with i's jaw, ɓ seals, ʋ tucks
lightly); an English phone's IPA says nothing more, so English reads the ARPAbet rows exactly.
"""

from __future__ import annotations

import numpy as np

from audioface import arkit
from audioface.filters import pchip
from audioface.frames import frame_count
from audioface.motion import articulation, targets
from audioface.phones import VOWELS
from audioface.track import Phone

ANTICIPATION = 0.0  # s: keys sit at phone centres; lips anticipate through dominance instead
PLATEAU_FROM = 0.16  # s: phones longer than this hold their shape
EDGE = 0.05  # s: plateau keys sit this far inside the phone
LIP_NEXT_SHARE = 0.7  # borrowed lip shape comes mostly from the next phone
JAW_PREV_SHARE = 0.6  # borrowed jaw comes mostly from the previous phone
LIP_RAISERS = ("mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft", "mouthUpperUpRight")


def mouth_params(
    phones: list[Phone],
    duration: float,
    fps: float,
    loudness: np.ndarray | None = None,
    loudness_hop: float = 0.01,
    table: targets.PhoneTable | None = None,
    coarticulation: float = 1.0,
) -> np.ndarray:
    """(frames, PARAMS) articulatory parameters at ``fps`` for the phone sequence
    (``table``: a user's phone table instead of the shipped one; ``coarticulation`` scales how
    far phones borrow their neighbours' shapes: 0 none, 1 as the table says)."""
    n_frames = frame_count(duration, fps)
    times = np.arange(n_frames) / fps
    segs = _expand_diphthongs(phones) or [Phone("sil", 0.0, duration)]
    key_t, key_v = _keys(segs, duration, table, coarticulation)
    params = pchip(key_t, key_v, times)
    if loudness is not None and len(loudness):
        params = _apply_loudness(params, times, loudness, loudness_hop)
    _enforce(params, segs, fps, table)
    return np.clip(params, 0.0, 1.0)


def _expand_diphthongs(phones: list[Phone]) -> list[Phone]:
    """A diphthong becomes its two halves: an English one the two rows of ``DIPHTHONGS``, a
    tied IPA one its two vowels (at the English diphthong's share of time, else half and half);
    a pure vowel whose nearest phone is a diphthong (Spanish e as EY) stays one held shape."""
    out = []
    for ph in phones:
        if ph.phone in targets.DIPHTHONGS and articulation.is_english(ph.phone, ph.ipa):
            a, b, share = targets.DIPHTHONGS[ph.phone]
            mid = ph.start + share * ph.duration
            out += [Phone(a, ph.start, mid, ph.stress), Phone(b, mid, ph.end, ph.stress)]
        elif parts := articulation.glide_parts(ph.ipa):
            share = targets.DIPHTHONGS.get(ph.phone, ("", "", 0.5))[2]
            mid = ph.start + share * ph.duration
            a, b = (articulation.nearest_phone(articulation.segment(q)) for q in parts)
            out += [Phone(a, ph.start, mid, ph.stress, parts[0]), Phone(b, mid, ph.end, ph.stress, parts[1])]
        else:
            out.append(ph)
    return out


def _own_target(ph: Phone, table: targets.PhoneTable | None) -> np.ndarray:
    row = articulation.phone_shape(ph.phone, ph.ipa, table)[0]
    if ph.phone in VOWELS and ph.stress == 0:
        for name in ("jaw", "lowerDown", "upperUp"):
            row[targets.P[name]] *= targets.UNSTRESSED_JAW
    return row


def _keys(
    segs: list[Phone], duration: float, table: targets.PhoneTable | None, coarticulation: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    own = [_own_target(s, table) for s in segs]
    rest = targets.target("sil", table)
    times: list[float] = [0.0]
    values: list[np.ndarray] = [rest]
    for i, seg in enumerate(segs):
        prev = own[i - 1] if i > 0 else rest
        nxt = own[i + 1] if i + 1 < len(segs) else rest
        _, lips_dom, jaw_dom = articulation.phone_shape(seg.phone, seg.ipa, table)
        if coarticulation != 1.0:
            lips_dom = float(np.clip(1 - (1 - lips_dom) * coarticulation, 0.0, 1.0))
            jaw_dom = float(np.clip(1 - (1 - jaw_dom) * coarticulation, 0.0, 1.0))
        if seg.phone == "sil" and seg.duration > PLATEAU_FROM:
            lips_dom = jaw_dom = 1.0  # a real pause: the face settles to rest
        key = own[i].copy()
        borrowed_lips = LIP_NEXT_SHARE * nxt + (1 - LIP_NEXT_SHARE) * prev
        borrowed_jaw = JAW_PREV_SHARE * prev + (1 - JAW_PREV_SHARE) * nxt
        for idx in targets.LIP_PARAMS:
            key[idx] = lips_dom * own[i][idx] + (1 - lips_dom) * borrowed_lips[idx]
        for idx in targets.JAW_PARAMS:
            key[idx] = jaw_dom * own[i][idx] + (1 - jaw_dom) * borrowed_jaw[idx]
        if seg.duration > PLATEAU_FROM:
            for t in (seg.start + EDGE, seg.end - EDGE):
                times.append(t - ANTICIPATION)
                values.append(key)
        else:
            times.append((seg.start + seg.end) / 2 - ANTICIPATION)
            values.append(key)
    times.append(max(duration, times[-1] + 1e-3))
    values.append(rest)
    t = np.asarray(times)
    order = np.argsort(t, kind="stable")
    t, v = t[order], np.asarray(values)[order]
    keep = np.concatenate([[True], np.diff(t) > 1e-4])  # PCHIP needs strictly increasing x
    return t[keep], v[keep]


def _apply_loudness(params: np.ndarray, times: np.ndarray, loudness: np.ndarray, hop: float) -> np.ndarray:
    """Louder speech opens the jaw wider: gain 0.75..1.25 from the smoothed envelope."""
    from audioface.filters import gaussian_filter1d

    smooth = gaussian_filter1d(loudness.astype(np.float64), sigma=0.05 / hop)
    env = np.interp(times, np.arange(len(smooth)) * hop, smooth)
    gain = 0.75 + 0.5 * env
    out = params.copy()
    for name in ("jaw", "lowerDown", "upperUp"):
        out[:, targets.P[name]] *= gain
    return out


def constraint_frames(seg: Phone, fps: float, n: int) -> np.ndarray:
    """The frames a P/B/M must seal on (or an F/V tuck on): the middle half of the
    phone, and always the frame nearest its centre, however short the phone."""
    centre = (seg.start + seg.end) / 2
    lo = int(np.ceil((centre - seg.duration / 4) * fps))
    hi = int(np.floor((centre + seg.duration / 4) * fps))
    frames = set(range(max(lo, 0), min(hi, n - 1) + 1))
    frames.add(int(np.clip(round(centre * fps), 0, n - 1)))
    return np.fromiter(sorted(frames), dtype=int)


def _enforce(params: np.ndarray, segs: list[Phone], fps: float, table: targets.PhoneTable | None) -> None:
    """Guarantee closures and tucks on the frames nearest each such phone's middle."""
    for seg in segs:
        kind = articulation.mouth_class(seg.phone, seg.ipa)
        if kind == "closure":
            idx = constraint_frames(seg, fps, params.shape[0])
            params[idx, targets.P["seal"]] = 1.0
            params[idx, targets.P["lowerDown"]] = 0.0
            params[idx, targets.P["upperUp"]] = 0.0
        elif kind == "labiodental":
            idx = constraint_frames(seg, fps, params.shape[0])
            tuck = articulation.phone_shape(seg.phone, seg.ipa, table)[0][targets.P["rollLower"]]
            params[idx, targets.P["rollLower"]] = np.maximum(params[idx, targets.P["rollLower"]], tuck)


REST_MIN = 0.30  # s: a pause at least this long brings the mouth to rest, as the rules do


def enforce_weights(
    weights: np.ndarray,
    phones: list[Phone],
    fps: float,
    table: targets.PhoneTable | None = None,
    rounding: float = 1.0,
) -> np.ndarray:
    """The rules' guarantees on ARKit weights from any generator: sealed lips (mouthClose
    meets jawOpen, lip raisers off) on P/B/M, a tucked lower lip on F/V, lips rounded at
    least as far as the rules round them on OO/W/OW (each read through a phone's IPA where it
    has one: ɓ and ʘ seal, ɱ tucks, y and ø round), and a mouth at rest in the middle of
    every pause of REST_MIN or more (a learned model hears breaths and room noise there).
    ``rounding`` scales the rounding floor (a mumbled style rounds less, and still rounds)."""
    out = weights.copy()
    col = {name: arkit.INDEX[name] for name in arkit.MOUTH_GROUP}
    for seg in phones:
        kind = articulation.mouth_class(seg.phone, seg.ipa)
        if kind == "closure":
            idx = constraint_frames(seg, fps, len(out))
            out[idx, col["mouthClose"]] = out[idx, col["jawOpen"]]
            for name in LIP_RAISERS:
                out[idx, col[name]] = 0.0
        elif kind == "labiodental":
            idx = constraint_frames(seg, fps, len(out))
            tuck = articulation.phone_shape(seg.phone, seg.ipa, table)[0][targets.P["rollLower"]]
            out[idx, col["mouthRollLower"]] = np.maximum(out[idx, col["mouthRollLower"]], tuck)
        elif kind == "rounding":
            idx = constraint_frames(seg, fps, len(out))
            rule = targets.to_arkit(articulation.phone_shape(seg.phone, seg.ipa, table)[0][None])[0]
            for name in ("mouthFunnel", "mouthPucker"):
                out[idx, col[name]] = np.maximum(out[idx, col[name]], rounding * rule[col[name]])
        elif seg.phone == "sil" and seg.duration >= REST_MIN:
            _rest(out, seg, fps, [col[name] for name in arkit.MOUTH_GROUP])
    return out


def _rest(out: np.ndarray, seg: Phone, fps: float, cols: list[int]) -> None:
    """Fade the mouth to rest over a pause's first quarter, hold it through the middle half,
    and let it go again over the last quarter (so the next sound is still anticipated)."""
    lo, hi = max(int(np.floor(seg.start * fps)), 0), min(int(np.ceil(seg.end * fps)) + 1, len(out))
    t = np.arange(lo, hi) / fps  # outside the pause the mouth is left as it is
    q = seg.duration / 4
    ramp_in = np.clip((t - seg.start) / q, 0.0, 1.0)
    ramp_out = np.clip((seg.end - t) / q, 0.0, 1.0)
    hold = 0.5 - 0.5 * np.cos(np.pi * np.minimum(ramp_in, ramp_out))  # 0 at its ends, 1 in the middle
    out[lo:hi, cols] *= (1.0 - hold)[:, None]
