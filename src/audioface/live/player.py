"""Playing an animation out to live receivers, one frame per 1/fps of wall-clock time.

Frames are sent against a monotonic clock from the start, not by sleeping a fixed step after
each send, so the playback does not drift however long the audio is.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from audioface.animation import Animation
from audioface.errors import AudioFaceError
from audioface.live.livelink import DEFAULT_PORT, LiveLinkSender
from audioface.live.vmc import VmcSender, frame_values

VMC_PORT = 39539


def parse_address(spec: str, default_port: int) -> tuple[str, int]:
    """``HOST:PORT`` (or ``HOST``) as a pair, checked."""
    host, _, port = spec.rpartition(":") if ":" in spec else (spec, "", str(default_port))
    try:
        number = int(port)
    except ValueError:
        raise AudioFaceError(f"not a HOST:PORT address: {spec!r}", "address") from None
    if not host or not 0 < number < 65536:
        raise AudioFaceError(f"not a HOST:PORT address: {spec!r}", "address")
    return host, number


def receivers(livelink: str | None, vmc: str | None) -> tuple[tuple[str, int] | None, tuple[str, int] | None]:
    """The Live Link and VMC addresses asked for, checked; at least one must be named."""
    if not livelink and not vmc:
        raise AudioFaceError("name a receiver: a Live Link or a VMC address", "address")
    return (parse_address(livelink, DEFAULT_PORT) if livelink else None,
            parse_address(vmc, VMC_PORT) if vmc else None)  # fmt: skip


def play(
    anim: Animation,
    livelink: str | None = None,
    vmc: str | None = None,
    *,
    subject: str = "AudioFace",
    vmc_names: str = "arkit",
    realtime: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Send every frame of ``anim`` to the receivers named (``HOST:PORT``); the frames sent."""
    livelink_at, vmc_at = receivers(livelink, vmc)
    vmc_sender = VmcSender(*vmc_at, names=vmc_names) if vmc_at else None
    livelink_sender = LiveLinkSender(*livelink_at, subject=subject) if livelink_at else None
    visemes = None
    if vmc_sender is not None and vmc_sender.binding.needs_visemes:
        from audioface.formats.visemes import ovr_weights

        visemes = ovr_weights(anim)
    start = time.monotonic()
    try:
        for i in range(anim.n_frames):
            if realtime:
                delay = start + i / anim.fps - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            rotations = None if anim.rotations is None else anim.rotations[i]
            if livelink_sender is not None:
                livelink_sender.send(i, anim.weights[i], rotations, anim.fps)
            if vmc_sender is not None:
                vmc_sender.send(
                    frame_values(vmc_sender.binding, anim.weights[i], None if visemes is None else visemes[i])
                )
            if progress and (i % 30 == 0 or i == anim.n_frames - 1):
                progress(i + 1, anim.n_frames)
    finally:
        if livelink_sender is not None:
            livelink_sender.close()
    return anim.n_frames
