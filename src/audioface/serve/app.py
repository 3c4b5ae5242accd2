"""The service put together: its settings and counters on ``app.state``, the key check on
every request, the REST routes (``rest.py``), the demo's static files and the live route
(``stream_route.py``).

Bad input is a 4xx with ``{"error": "one line"}``; anything else is a 500 with a fixed
line and no traceback.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from audioface import __version__
from audioface.serve import rest, stream_route
from audioface.serve.compute import ComputePool
from audioface.serve.guard import guard
from audioface.serve.settings import ServeSettings

DESCRIPTION = "Speech to ARKit-52 facial animation: files over REST, live audio over WebSocket."


@asynccontextmanager
async def _lifespan(app: FastAPI):
    """The live streams' compute processes live as long as the server (serve/compute.py)."""
    app.state.compute = ComputePool(app.state.settings.stream_processes)
    try:
        yield
    finally:
        app.state.compute.close()


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    settings = settings or ServeSettings()
    app = FastAPI(title="AudioFace", version=__version__, description=DESCRIPTION, lifespan=_lifespan)
    app.state.settings = settings
    app.state.streams = 0  # live streams open now
    app.state.compute = None  # the ComputePool, while the server runs
    app.state.jobs = asyncio.Semaphore(settings.animate_workers)  # uploads animated at once
    app.middleware("http")(guard)
    app.include_router(rest.router)
    app.mount("/static", StaticFiles(directory=rest.STATIC), name="static")
    app.include_router(stream_route.router)
    return app
