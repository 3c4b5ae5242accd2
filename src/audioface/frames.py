"""Animation frame times: how many frames a duration holds, and which frame rates are valid.

Every stage that makes or resamples frames counts them here, so that the
mouth, the rest of the face, the stream and the readers of other tools' files
agree on the last frame (the one at or just before the end of the audio).
"""

from __future__ import annotations

import math

from audioface.errors import AudioFaceError

MAX_FPS = 1000.0


def frame_count(duration: float, fps: float) -> int:
    """Frames at 0, 1/fps, ... up to and including ``duration`` (1e-9 s of slack for rounding)."""
    return int(math.floor(duration * fps + 1e-9)) + 1


def check_fps(fps: float) -> float:
    """``fps`` as a float, or an :class:`AudioFaceError` saying why it cannot be used."""
    try:
        value = float(fps)
    except (TypeError, ValueError):
        raise AudioFaceError(f"the frame rate must be a number, got {fps!r}", "fps") from None
    if not 0 < value <= MAX_FPS:
        raise AudioFaceError(f"the frame rate must be above 0 and at most {MAX_FPS:g}, got {fps}", "fps")
    return value
