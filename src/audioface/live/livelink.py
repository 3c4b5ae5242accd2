"""Live Link Face UDP packets, laid out as Epic's iPhone app sends them (Unreal's Live Link Face
source reads them, on port 11111 by default), and their reader.

Big-endian throughout: packet version (uint8, 6); device id and subject name (each an int32
byte length, then UTF-8); the frame time (int32 frame number, float32 sub-frame, int32 rate
numerator and denominator); the value count (uint8, 61); 61 float32 values: the 52 shapes in
Unreal's ``EARFaceBlendShape`` order, then head yaw, pitch, roll and each eye's yaw, pitch, roll.
"""

from __future__ import annotations

import socket
import struct
import uuid
from dataclasses import dataclass

import numpy as np

from audioface import arkit
from audioface.animation import ROTATION_NAMES
from audioface.errors import AudioFaceError
from audioface.formats.livelink import BLENDSHAPE_COLUMNS

VERSION = 6
DEFAULT_PORT = 11111
# Unreal's enum order: the CSV's, but with JawLeft before JawRight and MouthLeft before MouthRight
_swap = {"JawRight": "JawLeft", "JawLeft": "JawRight", "MouthRight": "MouthLeft", "MouthLeft": "MouthRight"}
SHAPE_ORDER = tuple(_swap.get(n, n) for n in BLENDSHAPE_COLUMNS)
VALUE_NAMES = SHAPE_ORDER + tuple(ROTATION_NAMES)
_INDEX = np.array([arkit.INDEX[n[0].lower() + n[1:]] for n in SHAPE_ORDER])


@dataclass(frozen=True)
class Packet:
    subject: str
    device_id: str
    frame: int
    sub_frame: float
    fps: int
    fps_denominator: int
    weights: np.ndarray  # 52, ARKit (Apple's) order
    rotations: np.ndarray  # 9, radians, ROTATION_NAMES order


def encode(weights: np.ndarray, rotations: np.ndarray | None, frame: int, fps: float, subject: str,
           device_id: str) -> bytes:  # fmt: skip
    """One frame as the app's packet; ``weights`` in ARKit order, ``rotations`` in radians."""
    rot = np.zeros(9) if rotations is None else np.asarray(rotations, float)
    values = np.concatenate([np.asarray(weights, float)[_INDEX], rot]).astype(">f4")
    rate, denominator = _rate(fps)
    return b"".join([
        struct.pack(">B", VERSION), _string(device_id), _string(subject),
        struct.pack(">ifii", int(frame), 0.0, rate, denominator),
        struct.pack(">B", len(values)), values.tobytes(),
    ])  # fmt: skip


def decode(data: bytes) -> Packet:
    """A packet back (what Unreal reads); an :class:`AudioFaceError` for anything else."""
    try:
        version = data[0]
        if version != VERSION:
            raise ValueError(f"packet version {version}, expected {VERSION}")
        pos = 1
        device_id, pos = _read_string(data, pos)
        subject, pos = _read_string(data, pos)
        frame, sub_frame, rate, denominator = struct.unpack_from(">ifii", data, pos)
        pos += 16
        count = data[pos]
        values = np.frombuffer(data, ">f4", count, pos + 1).astype(np.float64)
        if pos + 1 + 4 * count != len(data) or count != len(VALUE_NAMES):
            raise ValueError("wrong length")
    except (IndexError, struct.error, ValueError) as exc:
        raise AudioFaceError(f"not a Live Link Face packet: {exc}") from None
    weights = np.zeros(52)
    weights[_INDEX] = values[:52]
    return Packet(subject, device_id, frame, sub_frame, rate, denominator, weights, values[52:])


class LiveLinkSender:
    """A UDP socket sending one packet per frame to ``(host, port)``."""

    def __init__(self, host: str, port: int = DEFAULT_PORT, subject: str = "AudioFace"):
        self.address = (host, port)
        self.subject = subject
        self.device_id = str(uuid.uuid4()).upper()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    def send(self, index: int, weights: np.ndarray, rotations: np.ndarray | None, fps: float) -> None:
        self.sock.sendto(encode(weights, rotations, index, fps, self.subject, self.device_id), self.address)

    def close(self) -> None:
        self.sock.close()


def _rate(fps: float) -> tuple[int, int]:
    """The frame rate as the app states it: a whole number, or a fraction over 1001 (29.97)."""
    if abs(fps - round(fps)) < 1e-6:
        return int(round(fps)), 1
    return int(round(fps * 1001)), 1001


def _string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack(">i", len(raw)) + raw


def _read_string(data: bytes, pos: int) -> tuple[str, int]:
    (n,) = struct.unpack_from(">i", data, pos)
    if n < 0 or pos + 4 + n > len(data):
        raise ValueError("bad string length")
    return data[pos + 4 : pos + 4 + n].decode("utf-8"), pos + 4 + n
