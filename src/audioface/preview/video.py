"""Preview video: the rendered face (and optional panel or a second face) with the audio.

Frames are rendered in parallel: each worker process renders a stretch of
frames and encodes it with ffmpeg (the binary the imageio-ffmpeg wheel ships)
into an H.264 segment; the segments are joined without re-encoding and the
audio is added as AAC. Everything goes to a temporary folder first and the MP4
is renamed into place at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image, ImageDraw

from audioface.animation import Animation
from audioface.errors import AudioFaceError
from audioface.parallel import parallel_map
from audioface.preview import raster
from audioface.preview.panel import Panel
from audioface.preview.render import Scene, pack, prepare_scene, render_face, render_packed


def ffmpeg() -> str:
    try:
        import imageio_ffmpeg
    except ImportError:
        raise AudioFaceError("the preview needs the imageio-ffmpeg package: reinstall audioface") from None
    return imageio_ffmpeg.get_ffmpeg_exe()


def prepare(scene: Scene | None = None) -> None:
    """Load the compiled renderer and build the scene's merged mesh, before workers fork.

    About a second of one core, the same for any length of audio: run it while the language
    stage computes (see :func:`audioface.parallel.aside`) and a short preview starts that much
    sooner. :func:`write_preview` calls it too, and it costs nothing the second time.
    """
    raster.warm()
    prepare_scene((scene or Scene()).parts)


def weights_at(anim: Animation, t: float) -> np.ndarray:
    """Weights at time t, linearly between frames."""
    pos = min(max(t * anim.fps, 0.0), anim.n_frames - 1)
    i = int(np.floor(pos))
    j = min(i + 1, anim.n_frames - 1)
    return anim.weights[i] * (1 - (pos - i)) + anim.weights[j] * (pos - i)


def compose(
    anims: list[Animation],
    t: float,
    size: int,
    panel: Panel | None,
    labels: list[str],
    scene: Scene | None = None,
) -> Image.Image | np.ndarray:
    """One frame: each animation's face side by side, then the panel (packed pixels when it is
    one face alone, which the encoder takes as they are, before the next frame reuses them)."""
    scene = scene or Scene()
    camera = scene.camera(size)
    if len(anims) == 1 and panel is None:  # the usual preview: the face alone, no copies
        return render_packed(weights_at(anims[0], t), camera, scene.parts, reuse=True)
    faces = [render_face(weights_at(a, t), camera, scene.parts) for a in anims]
    width = size * len(faces) + (panel.width if panel else 0)
    frame = Image.new("RGB", (width, size), (0, 0, 0))
    for k, face in enumerate(faces):
        if len(faces) > 1:
            ImageDraw.Draw(face).text((10, 10), labels[k], fill=(240, 240, 240))
        frame.paste(face, (k * size, 0))
    if panel:
        frame.paste(panel.draw(t).resize((panel.width, size)), (size * len(faces), 0))
    return frame


def _encode_segment(job: tuple) -> str:
    anims, first, last, fps, size, with_panel, labels, path, scene = job
    panel = Panel(anims[0]) if with_panel else None
    width = size * len(anims) + (panel.width if panel else 0)
    # one encoder thread: the worker processes already keep every core busy
    # frames arrive as YUV 4:2:0 already: half the bytes of RGB, and nothing for ffmpeg to convert
    cmd = [ffmpeg(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "yuv420p",
           "-s", f"{width}x{size}", "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", "ultrafast",
           "-crf", "20", "-threads", "1", "-pix_fmt", "yuv420p", path]  # fmt: skip
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for i in range(first, last):
            frame = compose(anims, i / fps, size, panel, labels, scene)
            packed = frame if isinstance(frame, np.ndarray) else pack(np.asarray(frame))
            proc.stdin.write(raster.to_yuv420(packed).data)
        proc.stdin.close()
    except BrokenPipeError:
        pass
    if proc.wait() != 0:
        raise AudioFaceError(
            f"ffmpeg failed to encode the preview: {proc.stderr.read().decode(errors='replace')[-300:]}"
        )
    return path


def write_preview(
    anims: list[Animation],
    samples: np.ndarray,
    sample_rate: int,
    path: str | os.PathLike,
    fps: float = 30.0,
    size: int = 640,
    panel: bool = False,
    labels: list[str] | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    scene: Scene | None = None,
) -> None:
    """Render ``anims`` side by side (usually one) with the audio into an MP4 at ``path``.

    ``scene`` is the face to pose: AudioFace's own by default, or a user's avatar.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise AudioFaceError(f"output folder does not exist: {path.parent}")
    if size % 2 or size < 64:
        raise AudioFaceError(f"the preview size must be an even number of pixels, at least 64, got {size}",
                             "size")  # fmt: skip
    duration = len(samples) / sample_rate
    n_frames = max(1, int(round(duration * fps)))
    workers = max(1, min(jobs or os.cpu_count() or 1, n_frames // 30 or 1))
    bounds = np.linspace(0, n_frames, workers * 2 + 1).astype(int) if workers > 1 else np.array([0, n_frames])
    labels = labels or [f"#{k + 1}" for k in range(len(anims))]
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".audioface-preview-") as tmp:
        spans = [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
        jobs_ = [(anims, a, b, fps, size, panel, labels, str(Path(tmp) / f"seg{k:03d}.mp4"), scene)
                 for k, (a, b) in enumerate(spans)]  # fmt: skip
        prepare(scene)  # compiled (or loaded) once here, so forked workers inherit it
        audio = _start_audio(samples, sample_rate, Path(tmp))  # encoded while the frames render
        try:
            segments = parallel_map(_encode_segment, jobs_, workers, progress)
        finally:
            _, err = audio.communicate()
        if audio.returncode != 0:
            raise AudioFaceError(
                f"ffmpeg failed to encode the preview's audio: {err.decode(errors='replace')[-300:]}"
            )
        listing = Path(tmp) / "segments.txt"
        # names relative to the list itself, which is how ffmpeg's concat reads them
        listing.write_text("".join(f"file '{Path(s).name}'\n" for s in segments))
        out = Path(tmp) / "out.mp4"
        cmd = [ffmpeg(), "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing),
               "-i", str(Path(tmp) / "audio.m4a"), "-c", "copy", "-movflags", "+faststart",
               str(out)]  # fmt: skip
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            raise AudioFaceError(f"ffmpeg failed to mux the preview: {res.stderr.strip()[-300:]}")
        shutil.move(str(out), path)


def _start_audio(samples: np.ndarray, sample_rate: int, folder: Path) -> subprocess.Popen:
    """The soundtrack as AAC in ``folder``/audio.m4a, encoding in the background."""
    wav = folder / "audio.wav"
    sf.write(wav, samples, sample_rate, subtype="PCM_16")
    cmd = [ffmpeg(), "-y", "-loglevel", "error", "-i", str(wav), "-c:a", "aac", "-b:a", "128k",
           str(folder / "audio.m4a")]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def contact_sheet(anims: list[Animation], times: list[float], path: str | os.PathLike, size: int = 320,
                  labels: list[str] | None = None, scene: Scene | None = None) -> None:  # fmt: skip
    """A PNG grid of frames at ``times``, each labelled with its time and phone."""
    from audioface.formats.atomic import write_atomic

    cols = min(4, len(times))
    rows = -(-len(times) // cols)
    width = size * len(anims)
    sheet = Image.new("RGB", (cols * width, rows * (size + 24)), (16, 16, 20))
    draw = ImageDraw.Draw(sheet)
    scene = scene or Scene()
    camera = scene.camera(size)
    phones = anims[0].track.phones()
    for k, t in enumerate(times):
        x, y = (k % cols) * width, (k // cols) * (size + 24)
        for j, anim in enumerate(anims):
            sheet.paste(render_face(weights_at(anim, t), camera, scene.parts), (x + j * size, y))
        phone = next((p.phone for p in phones if p.start <= t < p.end), "")
        draw.text((x + 6, y + size + 4), f"{t:.2f} s  {phone}", fill=(230, 230, 230))
    import io

    buf = io.BytesIO()
    sheet.save(buf, format="PNG")
    write_atomic(path, buf.getvalue())
