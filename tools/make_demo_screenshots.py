#!/usr/bin/env python3
"""The two screenshots of the web demo in docs/: a file playing, and the microphone live.

Starts ``audioface serve`` on a free local port and drives Debian's Chromium with Playwright,
the way tests/test_web_demo.py does (examples/hello.wav is both the file and the fake
microphone). Needs the test extra and /usr/bin/chromium.

    python3 tools/make_demo_screenshots.py [--out docs]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
WAV = ROOT / "examples" / "hello.wav"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "audioface", "serve", "--port", str(port), "-q"])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-audio-capture={WAV}", "--autoplay-policy=no-user-gesture-required",
                "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
            ])  # fmt: skip
            page = browser.new_page(viewport={"width": 1140, "height": 700})
            page.goto(base + "/")
            page.wait_for_function("window.audioface && window.audioface.ready", timeout=60_000)
            page.set_input_files("#audio", str(WAV))
            page.fill("#text", (WAV.with_suffix(".txt")).read_text())
            page.click("#animate")
            page.wait_for_function("window.audioface.framesShown > 30", timeout=60_000)
            # an open vowel, held still, so the picture shows what the face does
            page.evaluate("""() => { const a = window.audioface.animation, j = a.names.indexOf('jawOpen');
                let best = 0; a.frames.forEach((f, i) => { if (f[j] > a.frames[best][j]) best = i; });
                window.audioface.showFrame(best); }""")
            page.screenshot(path=str(args.out / "demo-file.png"))
            page.click("#mic")
            page.wait_for_function("window.audioface.liveFrames > 150", timeout=60_000)
            page.screenshot(path=str(args.out / "demo-microphone.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print(f"wrote {args.out / 'demo-file.png'} and {args.out / 'demo-microphone.png'}")


if __name__ == "__main__":
    main()
