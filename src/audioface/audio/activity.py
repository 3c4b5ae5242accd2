"""Where the speech is: a loudness envelope, voiced regions and pause split points.

The motion stage scales the jaw by loudness, the language stage splits long
audio at pauses to align pieces in parallel, and a recording with no speech
(silence or steady noise) must come out as a face at rest. All three read the
same 10 ms energy envelope computed once here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from audioface.audio.load import HOP_SECONDS, Audio

__all__ = ["HOP_SECONDS", "Activity", "detect_activity", "quiet_voicing", "split_points", "voiced_run"]

# A recording voiced from end to end (a run of vowels, a sung syllable, a clip cut inside
# speech) swings too little for the loudness rule, so voicing decides there: speech is voiced
# frames whose pitch moves, with their energy in the speech band. A mains or motor hum is
# periodic too, but its pitch stands still; a fan's noise is not periodic at all.
VOICED_SHARE = 0.5  # of the audible frames, at least this many voiced ...
MIN_PITCH_SPREAD = 0.25  # ... with a pitch spread (semitones, middle 80%) of at least this
MIN_BAND_SHARE = 0.3  # ... and this share of their energy in 300-3400 Hz (a vowel's formants)
# quiet voiced frames outside the speech found are a hum where this share of them (and at least
# LEVEL_FRAMES) lie within LEVEL_BAND semitones of one pitch
LEVEL_SHARE, LEVEL_FRAMES, LEVEL_BAND = 0.4, 30, 0.5
SYLLABLE_FRAMES = 50  # a quiet voiced run this short (10 ms frames) counts without moving its pitch


@dataclass(frozen=True)
class Activity:
    """Per-10-ms-frame energy (dBFS), loudness in [0, 1], and a speech mask; ``pitch``: the F0
    track (Hz, NaN where unvoiced) the detection heard voicing by, which the face's prosody reads
    too (None where no detection ran)."""

    db: np.ndarray
    loudness: np.ndarray
    speech: np.ndarray
    hop: float = HOP_SECONDS
    pitch: np.ndarray | None = None

    @property
    def has_speech(self) -> bool:
        return bool(self.speech.any())

    def regions(self) -> list[tuple[float, float]]:
        """Speech regions as (start, end) seconds."""
        mask = np.concatenate([[False], self.speech, [False]]).astype(np.int8)
        edges = np.flatnonzero(np.diff(mask))
        return [(s * self.hop, e * self.hop) for s, e in zip(edges[::2], edges[1::2], strict=True)]


def detect_activity(audio: Audio) -> Activity:
    """Energy-based speech detection with a noise floor estimated from the file itself.

    Steady noise has a flat envelope, so nothing rises above floor + margin and it
    is treated as no speech; speech swings by 20-40 dB between syllables and pauses.
    """
    from audioface.audio.pitch import pitch_track
    from audioface.filters import maximum_filter1d, minimum_filter1d

    hop = int(round(HOP_SECONDS * audio.sample_rate))
    win = 2 * hop
    x = audio.samples
    n = max(1, (len(x) - win) // hop + 1) if len(x) >= win else 1
    padded = np.pad(x, (0, max(0, (n - 1) * hop + win - len(x))))
    frames = np.lib.stride_tricks.sliding_window_view(padded, win)[::hop][:n]
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)
    db = 20 * np.log10(rms + 1e-9)

    floor = float(np.percentile(db, 10))
    peak = float(np.percentile(db, 99))
    threshold = max(floor + 12.0, peak - 35.0, -55.0)
    speech = db > threshold
    # Fill short gaps inside words (stop closures) and drop isolated clicks.
    speech = _close_gaps(speech)
    speech = maximum_filter1d(minimum_filter1d(speech, 5), 5)
    pitch = pitch_track(audio)  # voicing decides where loudness cannot, either way below
    if peak - floor < 15.0:  # no loudness dynamics: steady noise, silence, or a voiced run
        run = voiced_run(audio, db, pitch[: len(db)])
        speech = run if run is not None else np.zeros_like(speech)
        threshold = min(threshold, floor)
    else:
        quiet = quiet_voicing(audio, db, pitch[: len(db)], speech, peak - 35.0)
        if quiet is not None:  # a clip cut without pauses: its quietest 10% were speech, not a floor
            speech = _close_gaps(speech | quiet)
            threshold = min(threshold, float(db[quiet].min()))

    loud = np.clip((db - threshold) / max(peak - threshold, 1e-6), 0.0, 1.0)
    return Activity(db=db, loudness=loud.astype(np.float32), speech=speech, pitch=pitch)


def _close_gaps(mask: np.ndarray) -> np.ndarray:
    """``mask`` with gaps of up to 60 ms filled: a stop's closure inside a word is speech."""
    from audioface.filters import maximum_filter1d, minimum_filter1d

    return minimum_filter1d(maximum_filter1d(mask, 7), 7)


def voiced_run(audio: Audio, db: np.ndarray, f0: np.ndarray) -> np.ndarray | None:
    """The speech mask of a recording that is voice without pauses, or None where it is not
    voice (a hum, a fan, steady noise, silence); ``f0``: its pitch track, frame for frame with
    ``db``. See VOICED_SHARE and the lines after it."""
    audible = db[: len(f0)] > -55.0
    voiced = audible & np.isfinite(f0)
    if audible.sum() < 10 or voiced.sum() < VOICED_SHARE * audible.sum():
        return None
    semitones = 12 * np.log2(f0[voiced])
    spread = float(np.subtract(*np.percentile(semitones, [90, 10])))
    if spread < MIN_PITCH_SPREAD or _band_share(audio, voiced) < MIN_BAND_SHARE:
        return None
    mask = np.zeros(len(db), bool)
    mask[: len(voiced)] = voiced
    return _close_gaps(mask)


def quiet_voicing(
    audio: Audio, db: np.ndarray, track: np.ndarray, speech: np.ndarray, lowest: float
) -> np.ndarray | None:
    """Voiced frames the loudness rule left out, where they are voice: a clip cut tight around
    speech has no pause to measure a floor in, so its quieter vowels fall under floor + 12 dB
    (held-out real speech trimmed to its first and last phone: 0.59 of its speech frames found).
    Kept are runs of voiced frames above ``lowest`` dB, not at a hum's one pitch, that are
    syllable-short or whose pitch moves (its range at least :data:`MIN_PITCH_SPREAD`), where
    their energy is in the speech band; ``track``: the pitch track, frame for frame with ``db``."""
    f0 = np.full(len(db), np.nan)
    f0[: len(track)] = track
    candidate = np.isfinite(f0) & ~speech & (db > lowest)
    candidate &= ~_at_level_pitch(f0, candidate)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], candidate.astype(np.int8), [0]])))
    keep = np.zeros(len(db), bool)
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if end - start <= SYLLABLE_FRAMES or np.ptp(12 * np.log2(f0[start:end])) >= MIN_PITCH_SPREAD:
            keep[start:end] = True
    if not keep.any() or _band_share(audio, keep) < MIN_BAND_SHARE:
        return None
    return keep


def _at_level_pitch(f0: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """The frames at the one pitch that :data:`LEVEL_SHARE` of ``frames`` share (a hum, a motor: a
    voice does not hold one pitch through its pauses); none where no pitch holds that many."""
    semitones = 12 * np.log2(np.where(frames, f0, 1.0))
    if frames.sum() < LEVEL_FRAMES:
        return np.zeros(len(f0), bool)
    values = semitones[frames]
    bins = np.round(values / LEVEL_BAND).astype(int)
    top = np.bincount(bins - bins.min()).argmax() + bins.min()
    near = np.abs(semitones - top * LEVEL_BAND) <= LEVEL_BAND
    if (near & frames).sum() < max(LEVEL_FRAMES, LEVEL_SHARE * frames.sum()):
        return np.zeros(len(f0), bool)
    return near & frames


def _band_share(audio: Audio, frames: np.ndarray) -> float:
    """Share of the chosen 10 ms frames' energy that lies in 300-3400 Hz."""
    hop = int(round(HOP_SECONDS * audio.sample_rate))
    picked = [audio.samples[i * hop : (i + 2) * hop] for i in np.flatnonzero(frames)]
    picked = [x for x in picked if len(x) == 2 * hop]
    if not picked:
        return 0.0
    power = (np.abs(np.fft.rfft(np.stack(picked) * np.hanning(2 * hop), axis=1)) ** 2).sum(axis=0)
    freqs = np.fft.rfftfreq(2 * hop, 1 / audio.sample_rate)
    return float(power[(freqs >= 300) & (freqs <= 3400)].sum() / max(power.sum(), 1e-20))


def split_points(activity: Activity, target: float, min_pause: float = 0.15) -> list[float]:
    """Times (s) at the middle of pauses, roughly every ``target`` seconds of audio.

    Pieces cut here can be aligned independently, since no word spans a pause.
    """
    pauses = []
    regions = activity.regions()
    for (_, end), (start, _) in zip(regions, regions[1:], strict=False):
        if start - end >= min_pause:
            pauses.append(((end + start) / 2, start - end))
    cuts: list[float] = []
    last = 0.0
    duration = len(activity.db) * activity.hop
    for i, (mid, _length) in enumerate(pauses):
        if mid - last < target:
            continue
        # Among pauses near the target point, take the longest: the safest cut.
        near = [p for p in pauses[max(0, i - 3) : i + 1] if p[0] - last >= target * 0.6]
        best = max(near, key=lambda p: p[1]) if near else (mid, _length)
        if duration - best[0] >= target * 0.3:
            cuts.append(best[0])
            last = best[0]
    return cuts
