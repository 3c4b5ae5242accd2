"""Any OpenAI-compatible transcription endpoint: ``POST {base}/v1/audio/transcriptions``.

The audio goes up as a 16 kHz WAV with ``response_format=verbose_json``, which
brings segment times and, where the server gives them, the confidence figures
that :mod:`audioface.language.recognize.segments` uses against invented text. The key comes
from the environment (:data:`KEY_VARIABLES`), never from the command line, and is
never printed. Only the standard library is used.
"""

from __future__ import annotations

import io
import json
import os
import wave

import numpy as np

from audioface.audio.load import SAMPLE_RATE
from audioface.errors import AudioFaceError
from audioface.language.recognize.segments import Segment

KEY_VARIABLES = ("AUDIOFACE_ASR_KEY", "OPENAI_API_KEY")
DEFAULT_MODEL = "whisper-1"
TIMEOUT = 120.0  # s for one reply: long files take a while on a small server


def endpoint(base: str) -> str:
    """The transcription URL for a base such as ``http://host:8000`` or ``https://api.openai.com/v1``."""
    base = base.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise AudioFaceError(f"the transcription endpoint must be an http(s) URL, got {base!r}", "asr_url")
    if base.endswith("/audio/transcriptions"):
        return base
    return f"{base}/audio/transcriptions" if base.endswith("/v1") else f"{base}/v1/audio/transcriptions"


def api_key() -> str | None:
    return next((os.environ[v] for v in KEY_VARIABLES if os.environ.get(v)), None)


def transcribe(samples: np.ndarray, base: str, model: str | None = None, timeout: float = TIMEOUT,
               language: str | None = None) -> list[Segment]:  # fmt: skip
    """Segments of 16 kHz mono ``samples`` as the endpoint transcribes them.

    ``language`` (ISO 639-1) goes up as the ``language`` form field; without it the endpoint
    detects the language, and the language its reply names is kept on each segment."""
    import socket
    import urllib.error
    import urllib.request  # here, not at the top: it brings http, email and ssl, 0.1 s of every start-up

    url = endpoint(base)
    fields = {"model": model or DEFAULT_MODEL, "response_format": "verbose_json",
              "timestamp_granularities[]": "segment"}  # fmt: skip
    if language:
        fields["language"] = language
    body, content_type = _multipart(fields, "audio.wav", _wav(samples))
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", content_type)
    key = api_key()
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            raw = reply.read()
    except urllib.error.HTTPError as exc:
        raise AudioFaceError(f"the transcription endpoint {url} answered HTTP {exc.code}: {_reason(exc)}",
                             "asr_url") from None  # fmt: skip
    except TimeoutError:
        raise AudioFaceError(f"the transcription endpoint {url} did not answer within {timeout:g} s",
                             "asr_url") from None  # fmt: skip
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise AudioFaceError(f"the transcription endpoint {url} did not answer within {timeout:g} s",
                                 "asr_url") from None  # fmt: skip
        raise AudioFaceError(
            f"cannot reach the transcription endpoint {url}: {exc.reason}", "asr_url"
        ) from None
    except (ConnectionError, OSError) as exc:
        raise AudioFaceError(f"cannot reach the transcription endpoint {url}: {exc}", "asr_url") from None
    return parse_reply(raw, url, len(samples) / SAMPLE_RATE, language)


def parse_reply(raw: bytes, url: str, duration: float, language: str | None = None) -> list[Segment]:
    """Segments from a verbose_json (or plain json) reply; a one-line error when it is not one.
    Their language is the reply's (verbose_json names it), else the one asked for."""
    try:
        doc = json.loads(raw.decode("utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("text", ""), str):
            raise ValueError("no text")
        language = language_code(doc.get("language")) or language
        segments = doc.get("segments")
        if not segments:
            text = doc.get("text", "").strip()
            return [Segment(0.0, duration, text, language=language)] if text else []
        return [
            Segment(
                float(s["start"]),
                float(s["end"]),
                str(s["text"]).strip(),
                _number(s, "no_speech_prob"),
                _number(s, "avg_logprob"),
                _number(s, "compression_ratio"),
                language,
            )  # fmt: skip
            for s in segments
        ]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise AudioFaceError(f"the transcription endpoint {url} sent a malformed reply ({exc})",
                             "asr_url") from None  # fmt: skip


# OpenAI's verbose_json names the language in English ("french"); other servers give the code
LANGUAGE_NAMES = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it", "portuguese": "pt",
    "dutch": "nl", "swedish": "sv", "danish": "da", "norwegian": "no", "finnish": "fi", "polish": "pl",
    "czech": "cs", "russian": "ru", "ukrainian": "uk", "greek": "el", "turkish": "tr", "arabic": "ar",
    "hebrew": "he", "persian": "fa", "hindi": "hi", "tamil": "ta", "chinese": "zh", "mandarin": "zh",
    "japanese": "ja", "korean": "ko", "vietnamese": "vi", "thai": "th", "indonesian": "id", "malay": "ms",
    "catalan": "ca", "romanian": "ro", "hungarian": "hu",
}  # fmt: skip


def language_code(value) -> str | None:
    """An ISO 639-1 code from a reply's ``language`` (a code or an English name), else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip().lower()
    if len(value) in (2, 3) and value.isalpha():
        return value
    return LANGUAGE_NAMES.get(value)


def _number(seg: dict, key: str) -> float | None:
    value = seg.get(key)
    return None if value is None else float(value)


def _reason(exc) -> str:
    """The error message an HTTP error reply carries (``exc``: a ``urllib.error.HTTPError``)."""
    try:
        doc = json.loads(exc.read().decode("utf-8", "replace"))
        err = doc.get("error") or doc.get("detail") or doc
        if isinstance(err, dict):
            err = err.get("message") or err.get("error") or json.dumps(err)
        text = str(err)
    except Exception:
        text = exc.reason or "error"
    return " ".join(str(text).split())[:200]


def _wav(samples: np.ndarray) -> bytes:
    pcm = (np.clip(np.asarray(samples, np.float32), -1, 1) * 32767).astype("<i2").tobytes()
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm)
    return out.getvalue()


def _multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    import uuid

    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 "Content-Type: audio/wav\r\n\r\n".encode() + data + b"\r\n")  # fmt: skip
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
