#!/usr/bin/env python3
"""Live streams under load: N clients at once, each sending a real recording in 20 ms chunks at
real-time pace to ``audioface serve``'s WebSocket, as a microphone or a TTS would.

A frame's delay is the time from the moment the audio up to that frame's time had been sent
to the moment the frame arrived, so it holds the model's look-ahead (92.5 ms), the chunking and
the server's compute and queueing. A stream keeps real time when its last frame arrives within
0.5 s of its last audio. The server is started here, on 127.0.0.1, as a user starts it; N = 1
is the baseline the other rows are read against.

    python3 bench/bench_server.py [--streams 1,8,32] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
CHUNK_S = 0.02


def recording(seconds: float) -> np.ndarray:
    names = sorted(p for p in (ROOT / "corpus" / "dev").glob("*.wav") if not p.stem.startswith("espeak"))
    parts, total = [], 0.0
    for path in names * 10:
        data, rate = sf.read(path, dtype="int16")
        assert rate == 16000
        parts.append(data)
        total += len(data) / rate
        if total >= seconds:
            break
    return np.concatenate(parts)[: int(seconds * 16000)]


async def one_stream(url: str, pcm: np.ndarray, fps: float) -> dict:
    import websockets

    step = int(CHUNK_S * 16000)
    delays: list[float] = []
    async with websockets.connect(url, max_size=2**24) as ws:
        await ws.recv()  # hello
        start = time.monotonic()

        async def send() -> None:
            for k, at in enumerate(range(0, len(pcm), step)):
                delay = start + k * CHUNK_S - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                await ws.send(pcm[at : at + step].tobytes())
            await ws.send(json.dumps({"type": "end"}))

        sender = asyncio.create_task(send())
        while True:
            msg = json.loads(await ws.recv())
            now = time.monotonic()
            if msg["type"] != "frames":
                break
            for j in range(msg["start"], msg["start"] + len(msg["weights"])):
                audio_sent = start + min(j / fps, len(pcm) / 16000)  # when its audio had gone out
                delays.append(now - audio_sent)
        await sender
    return {"delays": delays, "last": delays[-1] if delays else float("inf")}


async def run(url: str, pcm: np.ndarray, n: int, fps: float) -> list[dict]:
    return await asyncio.gather(*(one_stream(url, pcm, fps) for _ in range(n)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fps", type=float, default=60.0)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "audioface", "serve", "--port", str(port), "-q",
                             "--max-streams", "256"], stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        pcm = recording(args.seconds)
        url = f"ws://127.0.0.1:{port}/v1/stream?fps={args.fps:g}"
        print(f"{args.seconds:g} s of speech per stream, 20 ms chunks at real-time pace, {args.fps:g} fps; "
              "delay = frame arrival - its audio sent (look-ahead included)")  # fmt: skip
        print(f"{'streams':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'real time':>11}{'p95 vs 1':>10}")
        base = None
        for n in (int(x) for x in args.streams.split(",")):
            results = asyncio.run(run(url, pcm, n, args.fps))
            delays = np.concatenate([r["delays"] for r in results]) * 1000
            kept = sum(r["last"] < 0.5 for r in results)
            p50, p95, worst = np.percentile(delays, 50), np.percentile(delays, 95), delays.max()
            base = base or p95
            print(
                f"{n:>8}{p50:>9.0f}{p95:>9.0f}{worst:>9.0f}{f'{kept}/{n}':>11}{p95 / base:>9.2f}x", flush=True
            )
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
