"""Reading audio files and arrays into the one format the pipeline uses.

Every later stage assumes 16 kHz mono float32 in [-1, 1] (pocketsphinx's
acoustic model was trained at 16 kHz), so all conversion happens here, and every
way a file can be unusable is reported here as one readable line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from audioface.errors import AudioFaceError
from audioface.filters import high_pass

SAMPLE_RATE = 16000
HOP_SECONDS = 0.01  # the analysis frame every stage shares (pocketsphinx's frame rate too)
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3")  # the files a folder of recordings is searched for
MIN_DURATION = 0.1
DEFAULT_MAX_DURATION = 3 * 3600.0  # beyond this the user must raise the limit on purpose


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples at :data:`SAMPLE_RATE`."""

    samples: np.ndarray
    sample_rate: int = SAMPLE_RATE
    source: str = "<array>"

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def pcm16(self) -> bytes:
        """Little-endian int16 bytes, the input pocketsphinx expects."""
        return (np.clip(self.samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def load_audio(
    source: str | os.PathLike | np.ndarray | Audio,
    sample_rate: int | None = None,
    *,
    max_duration: float = DEFAULT_MAX_DURATION,
) -> Audio:
    """Load a file (WAV, FLAC, OGG, MP3, ...) or an array and convert to 16 kHz mono.

    Arrays need ``sample_rate``; they may be (samples,) or (samples, channels),
    float in [-1, 1] or integer PCM.
    """
    if isinstance(source, Audio):  # already in the pipeline's format: only its length is checked
        _check_length(source.duration, source.source, max_duration)
        return source
    if isinstance(source, np.ndarray):
        if sample_rate is None:
            raise AudioFaceError("an audio array needs its sample_rate")
        data, rate, name = source, sample_rate, "<array>"
    else:
        data, rate, name = _read_file(Path(source), max_duration)
    return _to_pipeline_format(np.asarray(data), rate, name, max_duration)


def _read_file(path: Path, max_duration: float) -> tuple[np.ndarray, int, str]:
    name = str(path)
    if not path.exists():
        raise AudioFaceError(f"audio file not found: {name}")
    if path.is_dir():
        raise AudioFaceError(f"expected an audio file but got a directory: {name}")
    if path.stat().st_size == 0:
        raise AudioFaceError(f"audio file is empty (0 bytes): {name}")
    try:
        info = sf.info(name)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioFaceError(
            f"not a readable audio file (WAV, FLAC, OGG or MP3 expected): {name}: {_short(exc)}"
        ) from None
    if info.samplerate <= 0:
        raise AudioFaceError(f"audio file has an invalid sample rate: {name}")
    if info.frames > 0 and info.frames / info.samplerate > max_duration:
        raise AudioFaceError(
            f"audio is {info.frames / info.samplerate / 60:.0f} min long, over the "
            f"{max_duration / 60:.0f} min limit: {name}",
            setting="max_duration",
        )
    if info.format == "WAV" and _wav_is_truncated(path):
        raise AudioFaceError(f"audio file is truncated: its header promises more data: {name}")
    try:
        data, read = _read_mono(name, info.samplerate)
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        raise AudioFaceError(f"audio file is corrupt or truncated: {name}: {_short(exc)}") from None
    # MP3 and some WAV headers state a length; a file cut short delivers fewer frames.
    if info.frames > 0 and read < info.frames * 0.98 and info.format != "MPEG":
        raise AudioFaceError(
            f"audio file is truncated: header promises {info.frames} frames, only {read} present: {name}"
        )
    return data, SAMPLE_RATE if read else info.samplerate, name


BLOCK_FRAMES = 1 << 20


def _read_mono(name: str, rate: int) -> tuple[np.ndarray, int]:
    """Read in blocks, mixing to mono and resampling as it goes.

    Memory stays at the size of the 16 kHz mono result, however many channels
    or however high the rate of the file (hours of 48 kHz stereo would otherwise
    need gigabytes before any conversion). Returns (samples, frames read).
    """
    stream = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
    out, read = [], 0
    with sf.SoundFile(name) as fh:
        for block in fh.blocks(blocksize=BLOCK_FRAMES, dtype="float32", always_2d=True):
            read += len(block)
            mono = block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
            if not np.all(np.isfinite(mono)):
                raise ValueError("audio contains NaN or infinite samples")
            out.append(stream.resample_chunk(np.ascontiguousarray(mono)))
    out.append(stream.resample_chunk(np.zeros(0, np.float32), last=True))
    return np.concatenate(out) if out else np.zeros(0, np.float32), read


def _check_length(duration: float, name: str, max_duration: float) -> None:
    if duration < MIN_DURATION:
        raise AudioFaceError(
            f"audio is {duration * 1000:.0f} ms long, shorter than the {MIN_DURATION * 1000:.0f} ms "
            f"minimum: {name}"
        )
    if duration > max_duration:
        raise AudioFaceError(f"audio is longer than the {max_duration / 60:.0f} min limit: {name}")


def _to_pipeline_format(data: np.ndarray, rate: int, name: str, max_duration: float) -> Audio:
    if data.size == 0:
        raise AudioFaceError(f"audio has zero length: {name}")
    if np.issubdtype(data.dtype, np.integer):
        scale = float(np.iinfo(data.dtype).max) + 1.0
        data = data.astype(np.float32) / scale
    data = data.astype(np.float32, copy=False)
    if data.ndim == 2:
        data = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    elif data.ndim != 1:
        raise AudioFaceError(f"audio array must be 1-D or 2-D, got shape {data.shape}")
    if not np.all(np.isfinite(data)):
        raise AudioFaceError(f"audio contains NaN or infinite samples: {name}")
    _check_length(len(data) / rate, name, max_duration)
    if rate != SAMPLE_RATE:  # arrays; files are resampled while reading
        data = soxr.resample(data, rate, SAMPLE_RATE, quality="HQ").astype(np.float32)
    return Audio(np.ascontiguousarray(np.clip(_remove_dc(data), -1.0, 1.0)), SAMPLE_RATE, name)


def _remove_dc(data: np.ndarray) -> np.ndarray:
    """A 40 Hz high-pass: a DC offset or rumble would raise the energy floor and hide the speech."""
    return high_pass(data - data[:SAMPLE_RATE].mean(), 40.0, SAMPLE_RATE)


def _wav_is_truncated(path: Path) -> bool:
    """True when the RIFF 'data' chunk claims more bytes than the file holds.

    libsndfile quietly reads what is there, so a download cut short would
    otherwise animate only part of the speech without a word.
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if fh.read(12)[8:12] != b"WAVE":
            return False
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            head = fh.read(8)
            chunk, length = head[:4], int.from_bytes(head[4:8], "little")
            if chunk == b"data":
                # 0 and 0xFFFFFFFF mark streamed files whose length was never filled in
                return length not in (0, 0xFFFFFFFF) and pos + 8 + length > size
            pos += 8 + length + (length & 1)
    return False


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
