"""Style controls: each moves what it names, and under every setting the guarantees hold,
scored with the evaluator: P/B/M seal, F/V tuck, long pauses rest."""

import itertools

import numpy as np
import pytest
from conftest import DATA, reference_phones, transcript

from audioface import arkit
from audioface.api import animate
from audioface.errors import AudioFaceError
from audioface.evaluate import score_lipsync
from audioface.motion import FaceOptions
from audioface.motion.style import Style
from audioface.signals import rounding

ITEMS = ("flite_slt_01", "festival_slt_07")  # closures, labiodentals, rounding and pauses
GRID = [
    Style(jaw=j, lips=li, smoothing=s, min_hold=h, coarticulation=c)
    for j, li, s, h, c in itertools.product((0.4, 1.6), (0.3, 1.8), (0.0, 0.05), (0.0, 0.12), (0.0, 1.5))
]


@pytest.mark.parametrize("generator", ["rules", "learned"])
def test_the_guarantees_hold_under_every_style(generator):
    for name in ITEMS:
        ref = reference_phones(name)
        for style in GRID:
            anim = animate(DATA / f"{name}.wav", transcript(name), generator=generator, jobs=1,
                           face=FaceOptions(style=style))  # fmt: skip
            res = score_lipsync(anim.weights, anim.fps, ref)
            for event in ("closure", "labiodental", "rest"):
                if res.scored.get(event):
                    assert res.recall(event) == 1.0, (name, generator, style, event)


def test_each_setting_moves_what_it_names():
    name = ITEMS[0]
    base = animate(DATA / f"{name}.wav", transcript(name), generator="rules", jobs=1)
    col = arkit.INDEX

    def run(**kw):
        return animate(DATA / f"{name}.wav", transcript(name), generator="rules", jobs=1,
                       face=FaceOptions(style=Style(**kw)))  # fmt: skip

    jaw = base.weights[:, col["jawOpen"]]
    assert run(jaw=1.5).weights[:, col["jawOpen"]].max() > jaw.max() + 0.1
    mumbled = run(lips=0.3)
    assert rounding(mumbled.weights, arkit.NAMES).max() < 0.5 * rounding(base.weights, arkit.NAMES).max()
    t = np.arange(len(jaw)) / base.fps
    pauses = np.zeros(len(jaw), bool)  # where the rest guarantee may act
    for p in base.track.phones():
        if p.phone == "sil" and p.duration >= 0.3:
            pauses |= (t >= p.start) & (t <= p.end)
    assert np.allclose(mumbled.weights[~pauses, col["jawOpen"]], jaw[~pauses], atol=1e-6)  # JA, LI apart
    brows = [col[n] for n in arkit.NAMES if n.startswith("brow")]
    assert run(brows=0.0).weights[:, brows].max() == 0.0 and base.weights[:, brows].max() > 0
    assert np.abs(run(head=0.0).rotations[:, :3]).max() == 0.0 < np.abs(base.rotations[:, :3]).max()
    speed = np.abs(np.diff(jaw)).mean()
    assert np.abs(np.diff(run(smoothing=0.05).weights[:, col["jawOpen"]])).mean() < 0.8 * speed
    held = run(min_hold=0.15).weights[:, col["jawOpen"]]
    assert _reversals(held) < 0.5 * _reversals(jaw)
    stiff = run(coarticulation=0.0).weights
    assert not np.allclose(stiff, base.weights)


def _reversals(curve: np.ndarray) -> int:
    """How often the curve turns from rising to falling or back; a held (flat) stretch is no turn."""
    steps = np.sign(np.diff(curve))
    steps = steps[steps != 0]
    return int((np.diff(steps) != 0).sum())


def test_bad_style_values_are_refused_naming_the_setting():
    with pytest.raises(AudioFaceError, match="style jaw must be a number from 0 to 2") as err:
        Style(jaw=2.5)
    assert err.value.setting == "jaw"
    with pytest.raises(AudioFaceError, match="min_hold"):
        Style(min_hold=-0.1)
