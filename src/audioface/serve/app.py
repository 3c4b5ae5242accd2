"""The service's routes: health, one-shot animation of an uploaded file, and live streams.

Bad input is a 4xx with ``{"error": "one line"}``; anything else is a 500 with a fixed
line and no traceback. Uploads are counted as they arrive and refused past the limit,
written to a private temporary folder that is removed when the request ends, and
animated by at most ``animate_workers`` jobs at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hmac
import json
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.websockets import WebSocketDisconnect, WebSocketState

from audioface import __version__
from audioface.api import animate
from audioface.arkit import N_SHAPES
from audioface.audio.load import AUDIO_EXTENSIONS
from audioface.errors import AudioFaceError
from audioface.formats import FORMATS, MEDIA_TYPES, encode, rigs
from audioface.language import ALIGNERS, DEFAULT_ALIGNER, check_aligner
from audioface.motion import FaceOptions
from audioface.motion.generators import DEFAULT, NAMES
from audioface.motion.style import Style
from audioface.serve.compute import ComputeFailed, ComputePool
from audioface.serve.settings import ServeSettings
from audioface.serve.stream import (
    TRY_LATER,
    StreamClosed,
    open_rig,
    open_sink,
    open_stream,
    run_stream,
)

STYLE_FIELDS = tuple(f.name for f in dataclasses.fields(Style))
ANIMATE_FORM = {
    "requestBody": {"content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["audio"],
        "properties": {
            "audio": {"type": "string", "format": "binary", "description": "WAV, FLAC, OGG or MP3"},
            "text": {"type": "string", "description": "what is said (optional)"},
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


DESCRIPTION = "Speech to ARKit-52 facial animation: files over REST, live audio over WebSocket."
UNAUTHORISED = "missing or wrong API key: send Authorization: Bearer KEY"
STATIC = Path(__file__).parent / "static"


class TooLarge(Exception):
    pass


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status)


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    settings = settings or ServeSettings()
    state: dict = {"streams": 0, "compute": None}

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        """The live streams' compute processes live as long as the server (serve/compute.py)."""
        state["compute"] = ComputePool(settings.stream_processes)
        try:
            yield
        finally:
            state["compute"].close()

    app = FastAPI(title="AudioFace", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    jobs = asyncio.Semaphore(settings.animate_workers)

    def authorised(headers, query=None) -> bool:
        """The key as a bearer header, or for a browser's WebSocket (which cannot set
        headers) as the ``key`` query parameter."""
        if not settings.api_key:
            return True
        given = headers.get("authorization", "")
        if not given and query is not None and "key" in query:
            given = f"Bearer {query['key']}"
        return hmac.compare_digest(given.encode(), f"Bearer {settings.api_key}".encode())

    def public(path: str) -> bool:
        """The demo page and what it loads hold no data: a browser fetches them before it can
        send a key."""
        return path in ("/", "/v1/face.glb") or path.startswith("/static/")

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if not public(request.url.path) and not authorised(request.headers):
            return error(401, UNAUTHORISED)
        try:
            return await call_next(request)
        except Exception:  # never a traceback to a client
            return error(500, "internal error")

    @app.get("/healthz")
    async def healthz() -> dict:
        """Up, and how full; ``streams_held`` counts the live animators the compute processes
        hold (null when they are too busy to say within a second)."""
        try:
            held = await asyncio.wait_for(state["compute"].held(), 1.0)
        except (TimeoutError, ComputeFailed):
            held = None
        return {"status": "ok", "version": __version__, "streams": state["streams"],
                "max_streams": settings.max_streams, "stream_processes": settings.stream_processes,
                "streams_held": held}  # fmt: skip

    @app.get("/", include_in_schema=False)
    async def demo() -> FileResponse:
        """The web demo: a file or the microphone, on AudioFace's own face."""
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/v1/face.glb", response_class=Response)
    async def face() -> Response:
        """AudioFace's own face as binary glTF, with all 52 ARKit morph targets, at rest."""
        return Response(_face_glb(), media_type=MEDIA_TYPES["glb"])

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.post("/v1/animate", openapi_extra=ANIMATE_FORM, response_class=Response)
    async def animate_upload(request: Request) -> Response:
        """Animate an uploaded recording; the reply is the file in ``format``."""
        limit = int(settings.max_upload_mb * 2**20)
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit + 64 * 1024:
            await _drain(request, 4 * limit)
            return error(413, f"upload over the {settings.max_upload_mb:g} MB limit")
        try:
            form = await _limited(request, limit).form(max_files=1, max_fields=16)
        except TooLarge:
            await _drain(request, 4 * limit)
            return error(413, f"upload over the {settings.max_upload_mb:g} MB limit")
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
                                        fmt, settings, jobs)  # fmt: skip
        except ValueError:
            return error(400, "fps must be a number")
        except AudioFaceError as exc:
            return error(400, str(exc))
        return Response(body, media_type=MEDIA_TYPES[fmt])

    @app.websocket("/v1/stream")
    async def stream(ws: WebSocket) -> None:
        if not authorised(ws.headers, ws.query_params):
            await ws.send_denial_response(
                error(401, "missing or wrong API key: send Authorization: Bearer KEY")
            )
            return
        await ws.accept()
        if state["streams"] >= settings.max_streams:
            await ws.close(TRY_LATER, f"server full: {settings.max_streams} streams")
            return
        state["streams"] += 1
        sink = remote = None
        try:
            params = dict(ws.query_params)
            options, dtype = open_stream(params, state["streams"])
            rig = open_rig(params)
            sink = open_sink(params, settings)
            remote = await state["compute"].open(options)
            await run_stream(ws, remote, dtype, settings, sink, rig, lambda: state["streams"])
        except AudioFaceError as exc:
            await _close(ws, 1008, str(exc))
        except (StreamClosed, ComputeFailed) as exc:
            await _close(ws, exc.code, exc.reason)
        except WebSocketDisconnect:
            pass  # the client went away: nothing to answer
        except Exception:
            await _close(ws, 1011, "internal error")
        finally:
            state["streams"] -= 1
            if remote is not None:
                remote.close()
            if sink is not None:
                sink.close()

    return app


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
                                   jobs=1, max_duration=settings.max_duration_s)  # fmt: skip
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


async def _close(ws: WebSocket, code: int, reason: str) -> None:
    if ws.client_state == WebSocketState.CONNECTED:
        try:
            await ws.send_text(json.dumps({"type": "error", "error": " ".join(reason.split())}))
            await ws.close(code, reason[:120])
        except Exception:
            pass
