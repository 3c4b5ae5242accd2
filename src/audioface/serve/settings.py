"""What a running server allows: one frozen object, made by the CLI or by a Python caller."""

from __future__ import annotations

import os
from dataclasses import dataclass

KEY_VARIABLE = "AUDIOFACE_API_KEY"


@dataclass(frozen=True)
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 8765
    api_key: str | None = None  # every request needs "Authorization: Bearer KEY" when set
    max_upload_mb: float = 50.0
    max_duration_s: float = 600.0  # longest audio /v1/animate takes
    max_streams: int = 64  # concurrent WebSocket streams; the next is closed with 1013
    idle_timeout_s: float = 30.0  # a stream that sends nothing this long is closed
    max_message_bytes: int = 1 << 20  # one WebSocket message
    animate_workers: int = 2  # /v1/animate jobs computed at once (the others wait their turn)
    stream_processes: int = max(1, min(os.cpu_count() or 1, 8))  # that compute the live streams
    livelink: tuple[str, int] | None = None  # the Live Link receiver streams may send to (sink=livelink)

    @classmethod
    def with_key_from_env(cls, **values) -> ServeSettings:
        """Settings whose key, when not given, comes from :data:`KEY_VARIABLE`."""
        if not values.get("api_key"):
            values["api_key"] = os.environ.get(KEY_VARIABLE) or None
        return cls(**values)
