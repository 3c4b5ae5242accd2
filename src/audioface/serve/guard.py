"""Who may call the service, and how a refusal reads: one line of JSON, never a traceback."""

from __future__ import annotations

import hmac

from fastapi import Request
from fastapi.responses import JSONResponse

UNAUTHORISED = "missing or wrong API key: send Authorization: Bearer KEY"


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status)


def authorised(api_key: str | None, headers, query=None) -> bool:
    """The key as a bearer header, or for a browser's WebSocket (which cannot set
    headers) as the ``key`` query parameter."""
    if not api_key:
        return True
    given = headers.get("authorization", "")
    if not given and query is not None and "key" in query:
        given = f"Bearer {query['key']}"
    return hmac.compare_digest(given.encode(), f"Bearer {api_key}".encode())


def public(path: str) -> bool:
    """The demo page and what it loads hold no data: a browser fetches them before it can
    send a key."""
    return path in ("/", "/v1/face.glb") or path.startswith("/static/")


async def guard(request: Request, call_next):
    """Every HTTP request: the key checked first, and any failure a fixed 500 line."""
    if not public(request.url.path) and not authorised(request.app.state.settings.api_key, request.headers):
        return error(401, UNAUTHORISED)
    try:
        return await call_next(request)
    except Exception:  # never a traceback to a client
        return error(500, "internal error")
