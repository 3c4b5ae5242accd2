"""The preview: an MP4 with the audio whose frames show the mouth doing what the phones ask."""

import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import DATA, reference_phones, transcript
from PIL import Image

from audioface.preview.render import mouth_box
from audioface.preview.video import ffmpeg

NAME = "flite_slt_01"  # "Peter bought a muffin from the bakery. Move over, the boat will leave at five."


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "audioface", *map(str, args)], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    out = tmp_path_factory.mktemp("preview") / "p.mp4"
    res = _cli("preview", DATA / f"{NAME}.wav", "--text-file", DATA / f"{NAME}.txt", "-o", out, "-q")
    assert res.returncode == 0, res.stderr
    return out


def _probe(path) -> str:
    return subprocess.run([ffmpeg(), "-i", str(path)], capture_output=True, text=True).stderr


def _frame(path, t: float, tmp_path, fps: float = 30.0) -> np.ndarray:
    """The video frame nearest to time t (seeking gives the first frame at or after a time)."""
    start = round(t * fps) / fps - 0.25 / fps
    png = tmp_path / f"f{t:.3f}.png"
    cmd = [ffmpeg(), "-y", "-loglevel", "error", "-ss", f"{start:.4f}", "-i", str(path), "-frames:v", "1"]
    subprocess.run([*cmd, str(png)], check=True)
    return np.asarray(Image.open(png).convert("RGB")).astype(int)


def _mouth_pixels(image: np.ndarray, grow: float = 0.0):
    left, top, right, bottom = mouth_box()
    pad = int((right - left) * grow)
    return tuple(image[top - pad : bottom + pad, left - pad : right + pad, k] for k in range(3))


def mouth_interior(image: np.ndarray) -> float:
    """Share of the mouth box showing the dark mouth cavity: a deep red whose red is several
    times its green (the lips' red, even in shadow, is about twice its green; skin less)."""
    r, g, b = _mouth_pixels(image)
    return float(np.mean((r <= 110) & (g <= 40) & (r >= 3 * g + 3)))


def teeth(image: np.ndarray) -> float:
    """Share of the mouth box showing teeth: bright and nearly grey."""
    r, g, b = _mouth_pixels(image)
    bright = (r >= 150) & (g >= 150) & (b >= 130)
    return float(np.mean(bright & (np.maximum(np.maximum(r, g), b) - np.minimum(np.minimum(r, g), b) <= 45)))


def lip_width(image: np.ndarray) -> int:
    """Width in pixels of the lips' red (red about twice its green) around the mouth."""
    r, g, b = (c.astype(float) for c in _mouth_pixels(image, grow=0.25))
    red = (r >= 70) & (r >= 1.6 * g) & (r <= 2.8 * g) & (b <= 1.3 * g)
    cols = np.flatnonzero(red.sum(axis=0) >= 3)
    return int(cols[-1] - cols[0]) if len(cols) else 0


def test_a_relative_output_path_in_the_working_folder(tmp_path):
    """As a user types it: `audioface preview speech.wav -o speech.mp4`, in the audio's folder."""
    res = subprocess.run([sys.executable, "-m", "audioface", "preview", str(DATA / "flite_awb_04.wav"),
                          "-o", "out.mp4", "--size", "128", "-q"], capture_output=True, text=True,
                         cwd=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out.mp4").stat().st_size > 1000 and not list(tmp_path.glob(".audioface-preview-*"))


def test_duration_matches_the_audio_and_there_is_sound(video):
    info = _probe(video)
    h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info).groups()
    duration = int(h) * 3600 + int(m) * 60 + float(s)
    import soundfile as sf

    assert duration == pytest.approx(sf.info(DATA / f"{NAME}.wav").duration, abs=0.1)
    assert re.search(r"Video: h264", info) and re.search(r"Audio: aac", info)
    assert "640x640" in info and "30 tbr" in info


def test_lips_close_on_bilabials_and_open_on_open_vowels(video, tmp_path):
    phones = reference_phones(NAME)
    closures = [p for p in phones if p.phone in ("P", "B", "M") and p.end - p.start >= 0.05]
    open_vowels = ("AA", "AE", "AH", "AO", "AY", "AW", "EH")
    vowels = [p for p in phones if p.phone in open_vowels and p.stress != 0 and p.end - p.start >= 0.07]
    assert len(closures) >= 4 and len(vowels) >= 3
    shut = [mouth_interior(_frame(video, (p.start + p.end) / 2, tmp_path)) for p in closures]
    opened = [mouth_interior(_frame(video, (p.start + p.end) / 2, tmp_path)) for p in vowels]
    assert max(shut) < 0.03, shut
    assert min(opened) > 0.08, opened


def test_rounded_vowels_gather_the_lips_and_f_v_show_the_upper_teeth(video, tmp_path):
    phones = reference_phones(NAME)
    mid = {id(p): (p.start + p.end) / 2 for p in phones}
    rounded = [p for p in phones if p.phone in ("UW", "OW") and p.end - p.start >= 0.07]
    spread = [p for p in phones if p.phone in ("AA", "AE", "AH") and p.end - p.start >= 0.07]
    labiodental = [p for p in phones if p.phone in ("F", "V") and p.end - p.start >= 0.07]
    closures = [p for p in phones if p.phone in ("P", "B", "M") and p.end - p.start >= 0.05]
    rest = [p for p in phones if p.phone == "sil" and p.end - p.start >= 0.3]
    assert len(rounded) >= 3 and len(spread) >= 3 and len(labiodental) >= 4 and rest
    frames = {
        id(p): _frame(video, mid[id(p)], tmp_path) for p in rounded + spread + labiodental + closures + rest
    }
    # rounding: the lips gather, narrower than on open vowels and than at rest
    narrow = max(lip_width(frames[id(p)]) for p in rounded)
    assert narrow < 0.85 * min(lip_width(frames[id(p)]) for p in spread + rest), narrow
    # F / V: the upper teeth show, resting on the lower lip (little of the dark mouth)
    tucked = [(teeth(frames[id(p)]), mouth_interior(frames[id(p)])) for p in labiodental]
    shown = [t for t, _ in tucked]
    assert min(shown) > 0.01 and np.mean(shown) > 0.02 and max(m for _, m in tucked) < 0.05, tucked
    # no teeth through sealed or resting lips
    assert max(teeth(frames[id(p)]) for p in closures + rest) < 0.005


def test_panel_and_side_by_side(tmp_path):
    out = tmp_path / "two.mp4"
    item = DATA / "flite_awb_04"
    res = _cli("preview", f"{item}.wav", "--text-file", f"{item}.txt", "--side-by-side", "notext", "--panel",
               "--size", "320", "-o", out, "-q")  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "1120x320" in _probe(out)  # two 320-pixel faces and the panel


def test_contact_sheet_png(tmp_path):
    out = tmp_path / "sheet.png"
    res = _cli("preview", DATA / f"{NAME}.wav", "--text", transcript(NAME), "--format", "png", "--times",
               "0.5,1.0,1.5", "-o", out, "-q")  # fmt: skip
    assert res.returncode == 0, res.stderr
    image = Image.open(out)
    assert image.format == "PNG" and image.size[0] >= 3 * 320


def test_preview_errors(tmp_path):
    res = _cli(
        "preview", DATA / f"{NAME}.wav", "--format", "png", "--times", "0.5,99", "-o", tmp_path / "x.png"
    )
    assert res.returncode != 0 and "--times" in res.stderr and "Traceback" not in res.stderr
    res = _cli("preview", DATA / f"{NAME}.wav", "-o", tmp_path / "x.avi")
    assert res.returncode != 0 and ".mp4 or .png" in res.stderr
    res = _cli("preview", tmp_path / "missing.wav", "-o", tmp_path / "x.mp4")
    assert res.returncode != 0 and "not found" in res.stderr
    assert not list(tmp_path.glob("x.*")) and not list(tmp_path.glob(".audioface-preview-*"))


def test_a_users_avatar_is_rendered_and_moves(tmp_path):
    from pathlib import Path

    from audioface import arkit
    from audioface.preview.render import Scene, render_face

    avatar = (
        Path(__file__).parent / "files" / "avatar.glb"
    )  # a 3 x 3 grid whose targets pull the bottom row down
    model = Scene.from_avatar(avatar)
    rest = np.zeros(52)
    jaw = rest.copy()
    jaw[arkit.INDEX["jawOpen"]] = 1.0
    a = np.asarray(render_face(rest, model.camera(200), model.parts)).astype(int)
    b = np.asarray(render_face(jaw, model.camera(200), model.parts)).astype(int)
    changed = np.abs(a - b).sum(axis=2) > 30
    rows = np.flatnonzero(changed.any(axis=1))
    # only the lower part of the image changes (smooth shading reaches the unmoved middle row)
    assert rows.size and rows.min() >= 90
    out = tmp_path / "avatar.mp4"
    res = _cli("preview", DATA / "flite_awb_04.wav", "--mesh", avatar, "--size", "256", "-o", out, "-q")
    assert res.returncode == 0, res.stderr
    assert "Video: h264" in _probe(out)


def _yuv420_reference(image: np.ndarray) -> np.ndarray:
    """BT.601 limited-range YUV 4:2:0 of packed RGB, written out the long way with numpy."""
    rgb = image.view(np.uint8).reshape(*image.shape, 4)[..., :3].astype(np.int64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = (66 * r + 129 * g + 25 * b + 128 + 4096) >> 8
    r4, g4, b4 = (c[0::2, 0::2] + c[1::2, 0::2] + c[0::2, 1::2] + c[1::2, 1::2] for c in (r, g, b))
    u = (-38 * r4 - 74 * g4 + 112 * b4 + 512 + 131072) >> 10
    v = (112 * r4 - 94 * g4 - 18 * b4 + 512 + 131072) >> 10
    return np.concatenate([y.ravel(), u.ravel(), v.ravel()]).astype(np.uint8)


def test_frames_reach_the_encoder_as_bt601_yuv420():
    from audioface.preview import raster

    rng = np.random.default_rng(7)
    for shape in ((640, 640), (6, 10)):
        image = rng.integers(0, 2**24, shape).astype(np.uint32)  # every colour, not only the face's
        assert np.array_equal(raster.to_yuv420(image), _yuv420_reference(image))


def test_a_reused_frame_buffer_draws_the_same_face():
    from audioface import arkit
    from audioface.preview.render import render_packed

    a, b = np.zeros(52), np.zeros(52)
    b[arkit.INDEX["jawOpen"]] = 0.8  # a frame unlike the one before
    fresh = render_packed(b).copy()
    render_packed(a, reuse=True)  # the buffer holds another frame first
    assert np.array_equal(render_packed(b, reuse=True), fresh)
    assert not np.array_equal(render_packed(a), fresh)


def test_the_renderer_loads_without_scipy_linalg_and_leaves_it_importable():
    """Numba's BLAS check would import scipy.linalg (half a second of a short preview); the
    renderer's kernels must work without it, and scipy.linalg must still import afterwards."""
    code = (
        "import sys\n"
        "from audioface.preview import raster\n"
        "from audioface.preview.render import render_packed\n"
        "import numpy as np\n"
        "raster.warm()\n"
        "image = render_packed(np.zeros(52, np.float32))\n"
        "assert 'scipy.linalg' not in sys.modules, 'scipy.linalg was imported'\n"
        "assert len(set(image.ravel().tolist())) > 100\n"
        "import scipy.linalg.cython_blas\n"
        "print('ok')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr[-500:]
