"""The REST routes: health, the demo page and its face, and one-shot animation of an upload.

Uploads are counted as they arrive and refused past the limit, written to a private
temporary folder that is removed when the request ends, and animated by at most
``animate_workers`` jobs at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import tempfile
from pathlib import Path

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from audioface import __version__
from audioface.api import animate
from audioface.arkit import N_SHAPES
from audioface.audio.load import AUDIO_EXTENSIONS
from audioface.errors import AudioFaceError
from audioface.formats import FORMATS, MEDIA_TYPES, encode, rigs
from audioface.language import ALIGNERS, AUTO_LANGUAGE, DEFAULT_ALIGNER, check_aligner, check_language
from audioface.motion import FaceOptions
from audioface.motion.generators import DEFAULT, NAMES
from audioface.motion.style import Style
from audioface.serve.compute import ComputeFailed
from audioface.serve.guard import error
from audioface.serve.settings import ServeSettings

STATIC = Path(__file__).parent / "static"
STYLE_FIELDS = tuple(f.name for f in dataclasses.fields(Style))
ANIMATE_FORM = {
    "requestBody": {"content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["audio"],
        "properties": {
            "audio": {"type": "string", "format": "binary", "description": "WAV, FLAC, OGG or MP3"},
            "text": {"type": "string", "description": "what is said (optional)"},
            "language": {"type": "string", "default": "auto",
                         "description": "the language spoken: a code such as fr, zh, pt-BR, or auto"},
            "format": {"type": "string", "enum": list(FORMATS), "default": "livelink"},
            "rig": {"type": "string", "enum": list(rigs.PRESETS),
                    "description": "rig-csv: the rig preset whose names the columns take (default arkit)"},
            "targets": {"type": "string", "enum": list(rigs.TARGET_MODES), "default": "auto"},
            "fps": {"type": "number", "default": 60},
            "generator": {"type": "string", "enum": list(NAMES), "default": DEFAULT},
            "aligner": {"type": "string", "enum": list(ALIGNERS), "default": DEFAULT_ALIGNER,
                        "description": "who times the words (see audioface animate --help)"},
            "emotion": {"type": "string", "default": "neutral"},
            **{name: {"type": "number", "description": f"style: {name} (see audioface animate --help)"}
               for name in STYLE_FIELDS},
        },
    }}}},
}  # fmt: skip


router = APIRouter()


class TooLarge(Exception):
    pass


@router.get("/healthz")
async def healthz(request: Request) -> dict:
    """Up, and how full; ``streams_held`` counts the live animators the compute processes
    hold (null when they are too busy to say within a second)."""
    state, settings = request.app.state, request.app.state.settings
    try:
        held = await asyncio.wait_for(state.compute.held(), 1.0)
    except (TimeoutError, ComputeFailed):
        held = None
    return {"status": "ok", "version": __version__, "streams": state.streams,
            "max_streams": settings.max_streams, "stream_processes": settings.stream_processes,
            "streams_held": held}  # fmt: skip


@router.get("/", include_in_schema=False)
async def demo() -> FileResponse:
    """The web demo: a file or the microphone, on AudioFace's own face."""
    return FileResponse(STATIC / "index.html", media_type="text/html")


@router.get("/v1/face.glb", response_class=Response)
async def face() -> Response:
    """AudioFace's own face as binary glTF, with all 52 ARKit morph targets, at rest."""
    return Response(_face_glb(), media_type=MEDIA_TYPES["glb"])


@router.post("/v1/animate", openapi_extra=ANIMATE_FORM, response_class=Response)
async def animate_upload(request: Request) -> Response:
    """Animate an uploaded recording; the reply is the file in ``format``."""
    settings = request.app.state.settings
    limit = int(settings.max_upload_mb * 2**20)
    too_large = f"upload over the {settings.max_upload_mb:g} MB limit"
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit + 64 * 1024:
        await _drain(request, 4 * limit)
        return error(413, too_large)
    try:
        form = await _limited(request, limit).form(max_files=1, max_fields=16)
    except TooLarge:
        await _drain(request, 4 * limit)
        return error(413, too_large)
    except Exception as exc:
        return error(400, f"not a multipart form: {exc}")
    upload = form.get("audio")
    if upload is None or isinstance(upload, str):
        return error(400, "the form needs an 'audio' file field")
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    fmt = fields.get("format", "livelink")
    if fmt not in FORMATS:
        return error(400, f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    generator = fields.get("generator", DEFAULT)
    if generator not in NAMES:
        return error(400, f"unknown generator {generator!r}; choose one of {', '.join(NAMES)}")
    try:
        fps = float(fields.get("fps", "60"))
        data = await upload.read()
        await upload.close()
        body = await _animate_bytes(data, Path(upload.filename or "audio").name, fields, fps, generator,
                                    fmt, settings, request.app.state.jobs)  # fmt: skip
    except ValueError:
        return error(400, "fps must be a number")
    except AudioFaceError as exc:
        return error(400, str(exc))
    return Response(body, media_type=MEDIA_TYPES[fmt])


async def _animate_bytes(data: bytes, name: str, fields: dict, fps: float, generator: str, fmt: str,
                         settings: ServeSettings, jobs: asyncio.Semaphore) -> bytes:  # fmt: skip
    """The upload through the library, in a worker thread, from a private temporary folder."""
    if not data:
        raise AudioFaceError("the audio file is empty")
    text = fields.get("text") or None
    try:
        style = Style(**{k: float(fields[k]) for k in STYLE_FIELDS if k in fields})
    except ValueError:
        raise AudioFaceError(f"style fields ({', '.join(STYLE_FIELDS)}) must be numbers") from None
    face = FaceOptions(emotion=fields.get("emotion", "neutral"), style=style)
    aligner = check_aligner(fields.get("aligner") or DEFAULT_ALIGNER)
    language = check_language(fields.get("language") or AUTO_LANGUAGE)
    rig, targets = fields.get("rig") or None, fields.get("targets", "auto")
    rigs.bind(rigs.preset(rig or "arkit"), None, targets)  # a bad rig or mode fails before the work
    suffix = Path(name).suffix.lower()
    suffix = suffix if suffix in AUDIO_EXTENSIONS else ".audio"
    async with jobs:
        with tempfile.TemporaryDirectory(prefix="audioface-serve-") as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)

            def work() -> bytes:
                try:
                    anim = animate(path, text, fps=fps, generator=generator, aligner=aligner, face=face,
                                   language=language, jobs=1,
                                   max_duration=settings.max_duration_s)  # fmt: skip
                except AudioFaceError as exc:  # name the upload, not the server's temporary file
                    raise AudioFaceError(str(exc).replace(str(path), name), exc.setting) from None
                return encode(anim, fmt, rig=rig, targets=targets)

            return await asyncio.to_thread(work)


@functools.cache
def _face_glb() -> bytes:
    from audioface.animation import Animation
    from audioface.formats.gltf import default_face_glb_document, to_glb
    from audioface.track import PhoneTrack

    rest = Animation(np.zeros((2, N_SHAPES), np.float32), 60.0, PhoneTrack([], 1 / 60, "none"))
    return to_glb(*default_face_glb_document(rest))


async def _drain(request: Request, cap: int) -> None:
    """Read and drop the rest of a refused upload (up to ``cap`` bytes), so the client, still
    sending, reads the 413 instead of a broken pipe; past the cap the connection just closes."""
    seen = 0
    while seen < cap:
        message = await request.receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _limited(request: Request, limit: int) -> Request:
    """The same request whose body stops with :class:`TooLarge` past ``limit`` bytes."""
    seen = 0

    async def receive():
        nonlocal seen
        message = await request.receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge
        return message

    return Request(request.scope, receive)
