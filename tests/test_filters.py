"""The numpy filters that keep scipy out of the pipeline's start-up, against scipy itself."""

import numpy as np
import pytest
from scipy.interpolate import PchipInterpolator
from scipy.ndimage import gaussian_filter1d, maximum_filter1d, minimum_filter1d
from scipy.signal import butter, find_peaks, sosfilt

from audioface import filters


@pytest.mark.parametrize("mode", ["reflect", "nearest", "wrap"])
@pytest.mark.parametrize("sigma", [0.7, 3.0, 24.0])
def test_gaussian_smoothing_matches_scipy(mode, sigma):
    x = np.random.default_rng(1).standard_normal((50, 3))
    for axis in (0, 1, -1):
        if x.shape[axis] > 3:
            got = filters.gaussian_filter1d(x, sigma, axis=axis, mode=mode)
            assert np.allclose(got, gaussian_filter1d(x, sigma, axis=axis, mode=mode), atol=1e-12)
    y = x[:, 0]
    assert np.allclose(filters.gaussian_filter1d(y, sigma, mode=mode), gaussian_filter1d(y, sigma, mode=mode))


@pytest.mark.parametrize("size", [1, 5, 7, 13])
def test_rank_filters_match_scipy(size):
    x = (np.random.default_rng(2).random(200) > 0.6).astype(float) * np.arange(200)
    assert np.array_equal(filters.maximum_filter1d(x, size), maximum_filter1d(x, size))
    assert np.array_equal(filters.minimum_filter1d(x, size), minimum_filter1d(x, size))
    speech = np.random.default_rng(3).random(300) > 0.5  # the activity detector's use: booleans
    ours = filters.minimum_filter1d(filters.maximum_filter1d(speech, size), size)
    assert np.array_equal(ours, minimum_filter1d(maximum_filter1d(speech, size), size))


def test_pchip_matches_scipy_inside_and_beyond_the_ends():
    rng = np.random.default_rng(4)
    x = np.cumsum(rng.uniform(0.01, 0.2, 40))
    y = rng.random((40, 6))
    y[10:15] = 0.3  # flat stretches and sign changes, where the slopes are special
    at = np.linspace(x[0] - 0.5, x[-1] + 0.5, 777)
    assert np.allclose(filters.pchip(x, y, at), PchipInterpolator(x, y, axis=0, extrapolate=True)(at),
                       atol=1e-12)  # fmt: skip
    two = filters.pchip(x[:2], y[:2], at[:50])
    assert np.allclose(two, PchipInterpolator(x[:2], y[:2], axis=0)(at[:50]), atol=1e-12)


def test_the_high_pass_removes_rumble_and_keeps_speech_bands_like_scipys():
    rate = 16000
    t = np.arange(2 * rate) / rate
    rumble, voice = np.sin(2 * np.pi * 8 * t), 0.3 * np.sin(2 * np.pi * 440 * t)
    ours = filters.high_pass(rumble + voice + 0.5, 40.0, rate)
    theirs = sosfilt(butter(2, 40.0, btype="highpass", fs=rate, output="sos"), rumble + voice + 0.5)
    middle = slice(rate // 2, -rate // 2)
    assert ours.dtype == np.float32 and abs(ours[middle].mean()) < 1e-3
    assert np.std(ours[middle] - voice[middle]) < 0.05  # 8 Hz down 28 dB; 440 Hz through
    assert abs(np.std(ours[middle]) - np.std(theirs[middle])) < 0.01


def test_peaks_are_scipys_peaks():
    """The evaluator counts the lip gap's peaks with these (scipy is no longer in the core
    install): smooth curves, flat tops and plateaus, at the prominences the metrics use."""
    rng = np.random.default_rng(4)
    for k in range(200):
        x = gaussian_filter1d(rng.random(int(rng.integers(3, 300))), rng.uniform(0.5, 4))
        if k % 3 == 0:
            x = np.round(x, 1)  # flat tops
        for prominence in (0.0, 0.05, 0.09):
            assert np.array_equal(filters.peaks(x, prominence), find_peaks(x, prominence=prominence)[0])
