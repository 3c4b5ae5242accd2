"""``audioface serve``: the library over HTTP (REST for files, WebSocket for live audio)."""

from __future__ import annotations

import argparse
import sys

from audioface.errors import AudioFaceError
from audioface.serve.settings import ServeSettings as ServeDefaults

SERVE_EXAMPLES = """\
examples:
  audioface serve                                   # the web demo at http://127.0.0.1:8765/, docs at /docs
  AUDIOFACE_API_KEY=secret audioface serve --port 9000
  audioface serve --livelink 127.0.0.1:11111        # streams with ?sink=livelink also drive Unreal
  curl -F audio=@speech.wav -F text="Hello there" -F format=json http://127.0.0.1:8765/v1/animate

Endpoints: GET / (the web demo: a file or the microphone on AudioFace's face); GET /healthz;
GET /v1/face.glb; POST /v1/animate (multipart: audio, text, format, fps, generator, emotion);
WebSocket /v1/stream?sample_rate=16000&fps=60&encoding=pcm_s16le (binary audio in, JSON frames out,
{"type": "end"} to finish; sink=livelink&subject=NAME to forward the frames to --livelink).
Needs the serve extra: pip install 'audioface[serve]'.
"""


def add_parser(sub) -> None:
    sv = sub.add_parser(
        "serve",
        help="run AudioFace as a local service: REST for files, WebSocket for live audio",
        description="Serve the library over HTTP: one-shot animation of uploaded files and live streams of "
        "PCM audio in, ARKit frames out.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=SERVE_EXAMPLES,
    )
    sv.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    sv.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    sv.add_argument(
        "--api-key", help="require 'Authorization: Bearer KEY' (default: $AUDIOFACE_API_KEY, or none)"
    )
    sv.add_argument("--max-upload-mb", type=float, default=50.0, help="largest upload (default 50)")
    sv.add_argument(
        "--max-duration", type=float, default=10.0, help="longest uploaded audio, minutes (default 10)"
    )
    sv.add_argument("--max-streams", type=int, default=64, help="concurrent live streams (default 64)")
    sv.add_argument("--idle-timeout", type=float, default=30.0, help="close a silent stream after this, s")
    sv.add_argument(
        "--stream-processes", type=int, default=ServeDefaults.stream_processes, metavar="N",
        help="processes that compute the live streams "
        f"(default {ServeDefaults.stream_processes}: one a core, at most 8)",
    )  # fmt: skip
    sv.add_argument(
        "--livelink", metavar="HOST[:PORT]",
        help="a Live Link Face receiver (Unreal; port 11111 by default) that streams opened with "
        "sink=livelink also send their frames to, each as its own subject",
    )  # fmt: skip
    sv.add_argument("-q", "--quiet", action="store_true", help="no access log")
    sv.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from audioface.serve.app import create_app
    except ImportError:
        raise AudioFaceError("the server needs the serve extra: pip install 'audioface[serve]'") from None
    from audioface.live.livelink import DEFAULT_PORT as LIVELINK_PORT
    from audioface.live.player import parse_address
    from audioface.serve import ServeSettings

    if not 0 < args.port < 65536:
        raise AudioFaceError("--port must be between 1 and 65535")
    if (args.max_streams < 1 or args.max_upload_mb <= 0 or args.idle_timeout <= 0 or args.max_duration <= 0
            or args.stream_processes < 1):  # fmt: skip
        raise AudioFaceError(
            "--max-streams, --max-upload-mb, --max-duration, --idle-timeout and --stream-processes "
            "must be positive"
        )
    settings = ServeSettings.with_key_from_env(
        host=args.host, port=args.port, api_key=args.api_key, max_upload_mb=args.max_upload_mb,
        max_duration_s=args.max_duration * 60.0, max_streams=args.max_streams,
        idle_timeout_s=args.idle_timeout, stream_processes=args.stream_processes,
        livelink=parse_address(args.livelink, LIVELINK_PORT) if args.livelink else None,
    )  # fmt: skip
    if not args.quiet:
        print(f"audioface: serving on http://{args.host}:{args.port} (docs at /docs)"
              + (", API key required" if settings.api_key else ""), file=sys.stderr)  # fmt: skip
    # no per-message deflate: compressing raw PCM gains nothing, and on a busy server zlib took a
    # quarter of the event loop's time (measured with 32 live streams)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning",
                access_log=not args.quiet, ws_max_size=settings.max_message_bytes,
                ws_per_message_deflate=False)  # fmt: skip
    return 0
