"""The web demo at `/`, in headless Chromium driven by Playwright: a real server, a real
browser, three.js drawing the face, a WAV played as the microphone by Chromium's fake media
stream. The rendered mouth is measured on screenshots.

Chromium is Debian's package: where it is missing, this installs it with apt-get when it can
(root, as in CI); elsewhere the tests skip and say why.
"""

import io
import json
import os
import shutil
import subprocess

import numpy as np
import pytest
from conftest import EXAMPLES, serve_process
from PIL import Image

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
pytest.importorskip("fastapi", reason="the serve extra is not installed")
KEY = "demo-key-42"
WAV = EXAMPLES / "hello.wav"


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("Debian's chromium is not installed and this user cannot apt-get install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
    done = subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, capture_output=True,
                          timeout=900)  # fmt: skip
    if done.returncode != 0 or not shutil.which("chromium"):
        pytest.skip(f"apt-get could not install chromium: {done.stderr.decode()[-200:].strip()}")
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A page of the demo, loaded from a server that asks for a key, the key typed in."""
    executable = chromium_path()
    with serve_process(["-q"], {"AUDIOFACE_API_KEY": KEY}) as (_proc, base), sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={WAV}", "--autoplay-policy=no-user-gesture-required",
            "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
        ])  # fmt: skip
        page = browser.new_page(viewport={"width": 1200, "height": 760})
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        outside = []
        ours = (base, "blob:", "data:")
        page.on("request", lambda r: None if r.url.startswith(ours) else outside.append(r.url))
        page.goto(base + "/")
        page.wait_for_function("window.audioface && window.audioface.ready", timeout=60_000)
        page.fill("#key", KEY)
        yield {"page": page, "problems": problems, "outside": outside, "base": base}
        browser.close()


def mouth(page) -> np.ndarray:
    rect = page.evaluate("window.audioface.mouthRect()")
    box = page.locator("#face").bounding_box()
    clip = {"x": box["x"] + rect["x"], "y": box["y"] + rect["y"], "width": rect["width"],
            "height": rect["height"]}  # fmt: skip
    return np.asarray(Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L"), dtype=float)


def test_a_file_plays_on_the_face_and_the_mouth_shows_the_phones(demo, tmp_path):
    page = demo["page"]
    page.set_input_files("#audio", str(WAV))
    page.fill("#text", (EXAMPLES / "hello.txt").read_text())
    page.click("#animate")
    page.wait_for_function("window.audioface.framesShown > 30", timeout=60_000)
    assert page.evaluate("document.getElementById('player').currentTime") > 0.3
    anim = page.evaluate("window.audioface.animation")
    assert anim["source"] == "transcript" and len(anim["frames"]) > 400
    # a closure (the M of "my") and the most open frame, picked from the animation's own track
    names, fps, frames = anim["names"], anim["fps"], np.array(anim["frames"])
    phones = [p for w in anim["words"] for p in w["phones"]]
    closures = [p for p in phones if p["phone"] in ("M", "B", "P") and p["end"] - p["start"] >= 0.05]
    close_a, close_b = (int(round((p["start"] + p["end"]) / 2 * fps)) for p in closures[:2])
    open_i = int(np.argmax(frames[:, names.index("jawOpen")]))
    shots = {}
    for label, i in (("closure", close_a), ("closure-2", close_b), ("open", open_i)):
        page.evaluate(f"window.audioface.showFrame({i})")
        shots[label] = mouth(page)
    differs = np.abs(shots["open"] - shots["closure"]).mean()
    same = np.abs(shots["closure-2"] - shots["closure"]).mean()
    assert differs > 4.0 and differs > 3 * same, (differs, same)
    dark = {k: float(np.mean(v < 35)) for k, v in shots.items()}  # the open mouth shows its dark inside
    assert dark["open"] > dark["closure"] + 0.01, dark
    assert not demo["problems"] and not demo["outside"], (demo["problems"], demo["outside"])


def test_the_microphone_animates_the_face_live(demo):
    page = demo["page"]
    page.click("#mic")
    page.wait_for_function("window.audioface.liveFrames > 90", timeout=60_000)
    assert page.evaluate("window.audioface.liveMaxJaw") > 0.2  # hello.wav, played as the microphone
    page.click("#mic")
    page.wait_for_function("!window.audioface.live", timeout=10_000)
    import urllib.request

    req = urllib.request.Request(demo["base"] + "/healthz", headers={"Authorization": f"Bearer {KEY}"})
    for _ in range(50):  # the stream is freed once the browser has closed it
        with urllib.request.urlopen(req, timeout=10) as r:
            if json.loads(r.read())["streams"] == 0:
                break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the microphone's stream was never freed")
    assert not demo["problems"], demo["problems"]


def test_the_page_and_the_face_are_public_but_the_api_is_not(demo):
    import urllib.error
    import urllib.request

    for path in ("/", "/static/demo.js", "/static/vendor/three/LICENSE", "/v1/face.glb"):
        with urllib.request.urlopen(demo["base"] + path, timeout=10) as r:
            assert r.status == 200
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(demo["base"] + "/healthz", timeout=10)
    assert err.value.code == 401
