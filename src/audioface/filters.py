"""Smoothing, rank filters, monotone interpolation and a high-pass, in numpy alone.

The pipeline used scipy for these five things, and importing scipy.ndimage, .interpolate
and .signal costs a second or more of every run's start-up: more than animating a short
line. Each function here computes what its scipy namesake computes with the defaults the
pipeline used (scipy's ``reflect`` boundary is numpy's ``symmetric``), so the curves do not
change; ``tests/test_filters.py`` compares them with scipy itself.
"""

from __future__ import annotations

import numpy as np

_PAD = {"reflect": "symmetric", "nearest": "edge", "wrap": "wrap", "mirror": "reflect"}


def _padded(x: np.ndarray, before: int, after: int, axis: int, mode: str) -> np.ndarray:
    if mode not in _PAD:
        raise ValueError(f"unknown boundary mode {mode!r}")
    width = [(0, 0)] * x.ndim
    width[axis] = (before, after)
    return np.pad(x, width, mode=_PAD[mode])


def gaussian_filter1d(
    x: np.ndarray, sigma: float, axis: int = -1, mode: str = "reflect", truncate: float = 4.0
) -> np.ndarray:
    """A Gaussian smoothing along ``axis`` (as ``scipy.ndimage.gaussian_filter1d``)."""
    x = np.asarray(x, dtype=np.float64)
    axis = axis % x.ndim
    radius = int(truncate * float(sigma) + 0.5)
    taps = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 / float(sigma) ** 2 * taps**2)
    kernel /= kernel.sum()
    padded = np.moveaxis(_padded(x, radius, radius, axis, mode), axis, 0)
    n = x.shape[axis]
    out = np.zeros((n, *padded.shape[1:]))
    for k, w in enumerate(kernel):
        out += w * padded[k : k + n]
    return np.moveaxis(out, 0, axis)


def _rank_filter(x: np.ndarray, size: int, mode: str, reduce) -> np.ndarray:
    x = np.asarray(x)
    before = size // 2
    padded = _padded(x, before, size - 1 - before, -1, mode)
    return reduce(np.lib.stride_tricks.sliding_window_view(padded, size, axis=-1), axis=-1)


def maximum_filter1d(x: np.ndarray, size: int, mode: str = "reflect") -> np.ndarray:
    """The running maximum over ``size`` samples, centred (as scipy's ``maximum_filter1d``)."""
    return _rank_filter(x, size, mode, np.max)


def minimum_filter1d(x: np.ndarray, size: int, mode: str = "reflect") -> np.ndarray:
    """The running minimum over ``size`` samples, centred (as scipy's ``minimum_filter1d``)."""
    return _rank_filter(x, size, mode, np.min)


def pchip(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Monotone piecewise-cubic Hermite interpolation of ``y`` (rows at strictly increasing
    ``x``) at ``at``, extrapolating with the end pieces (scipy's ``PchipInterpolator``:
    Fritsch-Butland slopes inside, a shape-preserving three-point slope at each end)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    y2 = y.reshape(len(x), -1)
    h = np.diff(x)[:, None]
    m = np.diff(y2, axis=0) / h
    d = np.empty_like(y2)
    if len(x) == 2:
        d[:] = m[0]
    else:
        w1, w2 = 2 * h[1:] + h[:-1], h[1:] + 2 * h[:-1]
        flat = (np.sign(m[1:]) != np.sign(m[:-1])) | (m[1:] == 0) | (m[:-1] == 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            whmean = (w1 / m[:-1] + w2 / m[1:]) / (w1 + w2)
            d[1:-1] = np.where(flat, 0.0, 1.0 / whmean)
        d[0] = _end_slope(h[0], h[1], m[0], m[1])
        d[-1] = _end_slope(h[-1], h[-2], m[-1], m[-2])
    at = np.asarray(at, dtype=np.float64)
    i = np.clip(np.searchsorted(x, at, side="right") - 1, 0, len(x) - 2)
    step = h[i, 0][:, None]
    s = ((at - x[i]) / h[i, 0])[:, None]
    h00, h10 = (1 + 2 * s) * (1 - s) ** 2, s * (1 - s) ** 2
    h01, h11 = s**2 * (3 - 2 * s), s**2 * (s - 1)
    out = h00 * y2[i] + h10 * step * d[i] + h01 * y2[i + 1] + h11 * step * d[i + 1]
    return out.reshape(len(at), *y.shape[1:])


def _end_slope(h0, h1, m0, m1) -> np.ndarray:
    d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    d = np.where(np.sign(d) != np.sign(m0), 0.0, d)
    return np.where((np.sign(m0) != np.sign(m1)) & (np.abs(d) > 3 * np.abs(m0)), 3 * m0, d)


HIGH_PASS_BLOCK = 1 << 20  # samples filtered at once (65 s at 16 kHz): memory stays flat on long audio


def high_pass(x: np.ndarray, cutoff: float, rate: float) -> np.ndarray:
    """A zero-phase second-order Butterworth high-pass: the analogue filter's magnitude
    applied to the spectrum (float32 in, float32 spectrum). Long signals go in overlapping
    blocks whose margins outlast the filter's response, so ten minutes need no more memory
    than one."""
    x = np.asarray(x, dtype=np.float32)
    if len(x) < 2:
        return x.copy()
    margin = int(50 * rate / cutoff)  # the response has died out by e^-50 well before this
    if len(x) <= HIGH_PASS_BLOCK + 2 * margin:
        return _high_pass_block(x, cutoff, rate)
    out = np.empty_like(x)
    for a in range(0, len(x), HIGH_PASS_BLOCK):
        b = min(a + HIGH_PASS_BLOCK, len(x))
        lo, hi = max(0, a - margin), min(len(x), b + margin)
        out[a:b] = _high_pass_block(x[lo:hi], cutoff, rate)[a - lo : a - lo + (b - a)]
    return out


def _high_pass_block(x: np.ndarray, cutoff: float, rate: float) -> np.ndarray:
    n = fast_length(len(x) + int(rate / cutoff))  # room for the filter's tail, and a quick FFT
    spectrum = np.fft.rfft(x, n)
    ratio = (np.fft.rfftfreq(n, 1.0 / rate) / cutoff).astype(np.float32) ** 2
    spectrum *= ratio / np.sqrt(1.0 + ratio**2)
    return np.fft.irfft(spectrum, n)[: len(x)].astype(np.float32)


def fast_length(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n: an FFT of a length with a large prime factor is slow."""
    best = 1 << max(n - 1, 0).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            m = p35
            while m < n:
                m *= 2
            best = min(best, m)
            p35 *= 3
        p5 *= 5
    return best


def peaks(x: np.ndarray, prominence: float) -> np.ndarray:
    """Indices of the peaks of 1-D ``x`` that stand at least ``prominence`` above their
    surroundings, as ``scipy.signal.find_peaks(x, prominence=...)[0]`` gives them: a flat top
    counts once, at its middle; the edges are never peaks; a peak's prominence is its height over
    the higher of the lowest points on each side before a higher sample (or the edge)."""
    x = np.asarray(x, float)
    out = []
    i, n = 1, len(x)
    while i < n - 1:
        if x[i - 1] < x[i]:
            ahead = i + 1
            while ahead < n - 1 and x[ahead] == x[i]:
                ahead += 1
            if x[ahead] < x[i]:
                mid = (i + ahead - 1) // 2
                if _prominence(x, mid) >= prominence:
                    out.append(mid)
                i = ahead
                continue
        i += 1
    return np.asarray(out, dtype=np.intp)


def _prominence(x: np.ndarray, peak: int) -> float:
    higher = np.flatnonzero(x[:peak] > x[peak])
    left = x[(higher[-1] + 1 if len(higher) else 0) : peak + 1].min()
    higher = np.flatnonzero(x[peak + 1 :] > x[peak])
    right = x[peak : (peak + 1 + higher[0] if len(higher) else len(x))].min()
    return float(x[peak] - max(left, right))
