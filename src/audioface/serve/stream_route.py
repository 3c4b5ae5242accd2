"""The live route: one WebSocket a stream, PCM in, frames out (the stream itself in
``stream.py``), counted against ``max_streams`` and freed whatever way it ends."""

from __future__ import annotations

import json

from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from audioface.errors import AudioFaceError
from audioface.serve.compute import ComputeFailed
from audioface.serve.guard import UNAUTHORISED, authorised, error
from audioface.serve.stream import (
    TRY_LATER,
    StreamClosed,
    open_rig,
    open_sink,
    open_stream,
    run_stream,
)

router = APIRouter()


@router.websocket("/v1/stream")
async def stream(ws: WebSocket) -> None:
    state = ws.app.state
    settings = state.settings
    if not authorised(settings.api_key, ws.headers, ws.query_params):
        await ws.send_denial_response(error(401, UNAUTHORISED))
        return
    await ws.accept()
    if state.streams >= settings.max_streams:
        await ws.close(TRY_LATER, f"server full: {settings.max_streams} streams")
        return
    state.streams += 1
    sink = remote = None
    try:
        params = dict(ws.query_params)
        options, dtype = open_stream(params, state.streams)
        rig = open_rig(params)
        sink = open_sink(params, settings)
        remote = await state.compute.open(options)
        await run_stream(ws, remote, dtype, settings, sink, rig, lambda: state.streams)
    except AudioFaceError as exc:
        await _close(ws, 1008, str(exc))
    except (StreamClosed, ComputeFailed) as exc:
        await _close(ws, exc.code, exc.reason)
    except WebSocketDisconnect:
        pass  # the client went away: nothing to answer
    except Exception:
        await _close(ws, 1011, "internal error")
    finally:
        state.streams -= 1
        if remote is not None:
            remote.close()
        if sink is not None:
            sink.close()


async def _close(ws: WebSocket, code: int, reason: str) -> None:
    if ws.client_state == WebSocketState.CONNECTED:
        try:
            await ws.send_text(json.dumps({"type": "error", "error": " ".join(reason.split())}))
            await ws.close(code, reason[:120])
        except Exception:
            pass
