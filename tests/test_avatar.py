"""AudioFace's own face: all 52 shapes, each moving the right part, lips that open and seal."""

import numpy as np
import pytest

from audioface import arkit
from audioface.avatar import default_face, lip_seam, pose

PARTS = {p.name: p for p in default_face()}
SKIN = PARTS["skin"]


def weights(**values):
    w = np.zeros(52)
    for name, value in values.items():
        w[arkit.INDEX[name]] = value
    return w


def lip_gap(w) -> float:
    lower, upper = lip_seam()
    v = pose(SKIN, w)
    return float(np.median(v[upper, 1] - v[lower, 1]))


def test_every_arkit_shape_moves_the_face():
    for k, name in enumerate(arkit.NAMES):
        travel = max(np.abs(p.deltas[k]).max() for p in default_face())
        assert travel > 0.002, name  # at least 2 mm somewhere


def test_lips_closed_at_rest_open_with_the_jaw_and_sealed_by_mouth_close():
    assert lip_gap(weights()) == pytest.approx(0, abs=1e-6)
    assert lip_gap(weights(jawOpen=1)) > 0.015
    assert lip_gap(weights(jawOpen=0.5)) > 0.007
    assert abs(lip_gap(weights(jawOpen=1, mouthClose=1))) < 0.001  # ARKit: mouthClose seals whatever the jaw
    assert lip_gap(weights(mouthLowerDownLeft=1, mouthLowerDownRight=1)) > 0.004
    assert lip_gap(weights(mouthFunnel=1)) > 0.004


def _moved(part, name):
    return np.linalg.norm(part.deltas[arkit.INDEX[name]], axis=1)


def test_shapes_move_the_right_regions():
    v = SKIN.vertices
    chin = np.argmin(np.abs(v[:, 0]) + np.abs(v[:, 1] + 0.085))
    forehead = np.argmin(np.abs(v[:, 0]) + np.abs(v[:, 1] - 0.07))
    jaw = SKIN.deltas[arkit.INDEX["jawOpen"]]
    assert jaw[chin, 1] < -0.01 and np.abs(jaw[forehead]).max() == 0
    smile = SKIN.deltas[arkit.INDEX["mouthSmileLeft"]]
    left_corner, right_corner = (
        np.argmax(_moved(SKIN, "mouthSmileLeft")),
        np.argmax(_moved(SKIN, "mouthSmileRight")),
    )
    assert v[left_corner, 0] > 0 > v[right_corner, 0] and smile[left_corner, 1] > 0
    blink = PARTS["lidLeft"].deltas[arkit.INDEX["eyeBlinkLeft"]]
    assert blink[:, 1].max() < -0.01 and not PARTS["lidRight"].deltas[arkit.INDEX["eyeBlinkLeft"]].any()
    assert PARTS["lidLeft"].vertices[:, 0].mean() > 0  # the character's left is +x
    assert PARTS["browLeft"].deltas[arkit.INDEX["browInnerUp"], :, 1].max() > 0.003
    assert PARTS["tongue"].deltas[arkit.INDEX["tongueOut"], :, 2].min() > 0.02
    assert PARTS["irisLeft"].deltas[arkit.INDEX["eyeLookOutLeft"], :, 0].min() > 0
    pucker = SKIN.deltas[arkit.INDEX["mouthPucker"]]
    lower, upper = lip_seam()
    assert pucker[lower, 2].mean() > 0.008  # the lips push forward
    puff = SKIN.deltas[arkit.INDEX["cheekPuff"]]
    assert np.linalg.norm(puff, axis=1).max() > 0.008 and np.abs(puff[chin]).max() < 0.001
