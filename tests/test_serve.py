"""`audioface serve`, started as a user starts it, on 127.0.0.1, driven by real HTTP and
WebSocket clients (urllib and the websockets package)."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import DATA, EXAMPLES, serve_process

from audioface import StreamAnimator, arkit
from audioface.frames import frame_count

websockets = pytest.importorskip("websockets.sync.client", reason="the serve extra is not installed")
ConnectionClosed = pytest.importorskip("websockets.exceptions").ConnectionClosed
InvalidStatus = pytest.importorskip("websockets.exceptions").InvalidStatus
pytest.importorskip("fastapi", reason="the serve extra is not installed")
KEY = "test-key-123"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The server with a key, a 1 MB upload limit, room for 2 streams and 2 compute processes;
    its TMPDIR is ours."""
    tmp = tmp_path_factory.mktemp("server-tmp")
    args = ["--max-upload-mb", "1", "--max-streams", "2", "--idle-timeout", "3", "--stream-processes", "2",
            "-q"]  # fmt: skip
    with serve_process(args, {"TMPDIR": str(tmp), "AUDIOFACE_API_KEY": KEY}) as (proc, base):
        yield {"base": base, "ws": base.replace("http", "ws"), "tmp": tmp, "proc": proc}


def get(base: str, path: str, key: str | None = KEY) -> tuple[int, dict]:
    req = urllib.request.Request(base + path)
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def post_animate(base: str, audio: bytes, filename: str = "speech.wav", key: str | None = KEY, **fields):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]  # fmt: skip
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + audio + b"\r\n")  # fmt: skip
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(base + "/v1/animate", data=body, method="POST")
    req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.headers.get("Content-Type"), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read()


def connect(server, query: str = "", key: str | None = KEY):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return websockets.connect(f"{server['ws']}/v1/stream{query}", additional_headers=headers, open_timeout=10)


HELLO = (EXAMPLES / "hello.wav").read_bytes()


def test_health_docs_and_the_key(server):
    deadline = time.monotonic() + 20  # the compute processes may still be loading their models
    while get(server["base"], "/healthz")[1]["streams_held"] is None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert get(server["base"], "/healthz") == (200, {"status": "ok", "version": "0.1.0", "streams": 0,
                                                     "max_streams": 2, "stream_processes": 2,
                                                     "streams_held": 0})  # fmt: skip
    status, doc = get(server["base"], "/healthz", key="wrong")
    assert status == 401 and "API key" in doc["error"]
    assert get(server["base"], "/healthz", key=None)[0] == 401
    req = urllib.request.Request(server["base"] + "/openapi.json", headers={"Authorization": f"Bearer {KEY}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert "/v1/animate" in json.loads(r.read())["paths"]


def test_animate_returns_each_format(server):
    status, ctype, body = post_animate(server["base"], HELLO, text="hello there", format="json", fps="30")
    assert status == 200 and ctype == "application/json"
    doc = json.loads(body)
    duration = sf.info(EXAMPLES / "hello.wav").duration
    assert doc["fps"] == 30 and abs(len(doc["frames"]) - duration * 30) <= 2
    assert [w["word"] for w in doc["words"]] == ["hello", "there"]
    status, ctype, body = post_animate(server["base"], HELLO)
    assert status == 200 and ctype.startswith("text/csv") and body.startswith(b"Timecode,BlendShapeCount")
    status, ctype, body = post_animate(server["base"], HELLO, text="hello there", format="glb")
    assert status == 200 and ctype == "model/gltf-binary" and body[:4] == b"glTF"
    status, ctype, body = post_animate(
        server["base"], HELLO, text="hello there", format="rig-csv", rig="meta"
    )
    assert status == 200 and ctype.startswith("text/csv") and body.startswith(b"time,BrowLowererL,")


def test_bad_input_is_a_4xx_with_one_line(server):
    before = set(server["tmp"].iterdir())  # what the libraries left at start-up
    rng = np.random.default_rng(1)
    big = rng.integers(0, 255, 1_300_000, dtype=np.uint8).tobytes()
    cases = [
        (dict(audio=b"not audio at all", filename="x.wav"), 400, "not a readable audio"),
        (dict(audio=b"", filename="x.wav"), 400, "empty"),
        (dict(audio=HELLO[: len(HELLO) // 3] + b"\x00" * 10, filename="cut.wav"), 400, ""),
        (dict(audio=HELLO, format="fbx"), 400, "unknown format"),
        (dict(audio=HELLO, generator="/etc/passwd"), 400, "unknown generator"),
        (dict(audio=HELLO, fps="fast"), 400, "fps"),
        (dict(audio=HELLO, emotion="smug"), 400, "emotion"),
        (dict(audio=HELLO, format="rig-csv", rig="maya"), 400, "unknown rig preset"),
        (dict(audio=HELLO, format="rig-csv", targets="all"), 400, "unknown targets mode"),
        (dict(audio=big, filename="big.wav"), 413, "limit"),
    ]
    for kwargs, code, words in cases:
        audio = kwargs.pop("audio")
        status, ctype, body = post_animate(server["base"], audio, **kwargs)
        assert status == code, (kwargs, body)
        doc = json.loads(body)
        assert list(doc) == ["error"] and "\n" not in doc["error"] and words in doc["error"]
        assert "audioface-serve-" not in doc["error"]  # no server paths
    assert post_animate(server["base"], HELLO, key="wrong")[0] == 401
    assert get(server["base"], "/healthz")[0] == 200
    assert set(server["tmp"].iterdir()) == before  # every upload's temporary folder is gone


@pytest.mark.parametrize("phones", ["auto", "off"])
def test_stream_gives_the_live_models_frames(server, phones):
    data, rate = sf.read(EXAMPLES / "hello.wav", dtype="int16")
    with connect(server, f"?sample_rate={rate}&fps=60&phones={phones}") as ws:
        hello = json.loads(ws.recv())
        assert hello["type"] == "hello" and hello["names"] == list(arkit.NAMES) and hello["latency_s"] <= 0.1
        assert hello["phones"] is (phones == "auto")  # auto: a quiet server's streams hear phones
        step = rate // 50  # 20 ms
        for i in range(0, len(data), step):
            ws.send(data[i : i + step].tobytes())
        ws.send(json.dumps({"type": "end"}))
        frames, starts = [], []
        while (msg := json.loads(ws.recv()))["type"] == "frames":
            starts.append(msg["start"])
            frames += msg["weights"]
        assert msg == {"type": "done", "frames": len(frames)}
    expected = StreamAnimator("stream", fps=60, sample_rate=rate, gate=True,  # the default
                              hear_phones=phones == "auto").run(data, step)  # fmt: skip
    assert np.allclose(np.array(frames), expected, atol=1e-4)
    assert starts == sorted(starts) and starts[0] == 0


def test_stream_frames_in_a_rigs_names(server):
    data, rate = sf.read(EXAMPLES / "hello.wav", dtype="int16")
    with connect(server, f"?sample_rate={rate}&rig=livelink") as ws:
        hello = json.loads(ws.recv())
        assert hello["names"] == [n[0].upper() + n[1:] for n in arkit.NAMES]
        ws.send(data.tobytes())
        ws.send(json.dumps({"type": "end"}))
        frames = []
        while (msg := json.loads(ws.recv()))["type"] == "frames":
            frames += msg["weights"]
    assert len(frames[0]) == 52 and max(f[hello["names"].index("JawOpen")] for f in frames) > 0.2
    with connect(server, "?rig=maya") as ws:
        ws.recv()  # the error message, then the close
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv()
    assert closed.value.rcvd.code == 1008 and "unknown rig preset" in closed.value.rcvd.reason


def test_float_audio_and_text_messages(server):
    data, rate = sf.read(EXAMPLES / "hello.wav", dtype="float32")
    with connect(server, f"?sample_rate={rate}&encoding=f32le&fps=30") as ws:
        assert json.loads(ws.recv())["fps"] == 30
        ws.send(json.dumps({"type": "text", "text": "hello there"}))
        ws.send(data.astype("<f4").tobytes())
        ws.send(json.dumps({"type": "end"}))
        n = 0
        while (msg := json.loads(ws.recv()))["type"] == "frames":
            n += len(msg["weights"])
        assert msg["type"] == "done" and abs(n - len(data) / rate * 30) <= 2


def _streamed(server, pcm: np.ndarray, texts: list[str], every: int = 320) -> np.ndarray:
    """Frames of a stream fed ``every`` samples a message, each text sent before the audio."""
    with connect(server, "") as ws:
        ws.recv()
        for text in texts:
            ws.send(json.dumps({"type": "text", "text": text}))
        for i in range(0, len(pcm), every):
            ws.send(pcm[i : i + every].tobytes())
        ws.send(json.dumps({"type": "end"}))
        frames = []
        while (msg := json.loads(ws.recv()))["type"] == "frames":
            frames += msg["weights"]
    return np.array(frames)


def test_a_stream_told_its_words_follows_their_phones(server):
    from conftest import reference_phones, transcript

    from audioface.evaluate import score_lipsync

    name = "flite_awb_03"
    pcm, rate = sf.read(DATA / f"{name}.wav", dtype="int16")
    assert rate == 16000
    words = transcript(name).split()
    half = len(words) // 2
    told = _streamed(server, pcm, [" ".join(words[:half]), " ".join(words[half:])])
    plain = _streamed(server, pcm, [])
    assert told.shape == plain.shape
    ref = reference_phones(name)
    got, base = score_lipsync(told, 60.0, ref), score_lipsync(plain, 60.0, ref)
    assert got.recall("closure") == 1.0 and got.score >= 0.95 and got.score > base.score, (got, base)
    local = StreamAnimator(gate=True, text=transcript(name)).run(pcm, 320)
    np.testing.assert_allclose(told, local, atol=2e-4)  # the server's stream is the library's
    with connect(server, "") as ws:
        ws.recv()
        ws.send(json.dumps({"type": "text", "text": 42}))
        assert "must be a string" in json.loads(ws.recv())["error"]
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv()
    assert closed.value.rcvd.code == 1008 and "must be a string" in closed.value.rcvd.reason


def test_streams_rest_on_noise_unless_the_gate_is_off(server):
    rng = np.random.default_rng(4)
    spectrum = np.fft.rfft(rng.normal(0, 1, 48000))
    f = np.fft.rfftfreq(48000, 1 / 16000)
    f[0] = 1.0
    pink = np.fft.irfft(spectrum / np.sqrt(f), 48000)
    pcm = (0.15 * pink / np.std(pink) * 32767).clip(-32767, 32767).astype("<i2")
    peaks = {}
    for gate in ("on", "off"):
        with connect(server, f"?gate={gate}") as ws:
            ws.recv()
            for i in range(0, len(pcm), 320):
                ws.send(pcm[i : i + 320].tobytes())
            ws.send(json.dumps({"type": "end"}))
            frames = []
            while (msg := json.loads(ws.recv()))["type"] == "frames":
                frames += msg["weights"]
        peaks[gate] = np.array(frames).max()
    assert peaks["on"] < 0.02 < peaks["off"], peaks


@pytest.mark.parametrize(
    "query, send, code",
    [("", b"\x01\x02\x03", 1003), ("", "{not json", 1007), ("", '{"type": "dance"}', 1008),
     ("?encoding=mp3", None, 1008), ("?sample_rate=abc", None, 1008), ("?generator=/etc/passwd", None, 1008),
     ("?encoding=f32le", np.array([np.nan, 0.0], "<f4").tobytes(), 1003), ("?phones=maybe", None, 1008),
     ("?language=klingonese", None, 1008)],
)  # fmt: skip
def test_garbage_closes_that_stream_only(server, query, send, code):
    with connect(server, query) as ws:
        first = json.loads(ws.recv())
        if send is not None:
            assert first["type"] == "hello"
            ws.send(send)
            first = json.loads(ws.recv())
        assert first["type"] == "error" and first["error"]
        with pytest.raises(ConnectionClosed):
            ws.recv()
        assert ws.close_code == code
    assert get(server["base"], "/healthz")[1]["streams"] == 0


def test_stream_needs_the_key(server):
    with pytest.raises(InvalidStatus) as err:
        with connect(server, key="wrong"):
            pass
    assert err.value.response.status_code == 401


def test_stream_limit_idle_timeout_and_vanished_clients(server):
    stack = contextlib.ExitStack()
    a, b = stack.enter_context(connect(server)), stack.enter_context(connect(server))
    for ws in (a, b):
        assert json.loads(ws.recv())["type"] == "hello"
    with connect(server) as c:
        with pytest.raises(ConnectionClosed):
            c.recv()
        assert c.close_code == 1013 and "full" in c.close_reason
    a.send(np.zeros(3200, "<i2").tobytes())
    a.socket.shutdown(socket.SHUT_RDWR)  # the client vanishes mid-stream, no close frame
    a.socket.close()
    time.sleep(4)  # b says nothing: the idle timeout (3 s) closes it
    with pytest.raises(ConnectionClosed):
        while True:
            b.recv()
    assert b.close_code == 1008 and "idle" in b.close_reason
    deadline = time.time() + 10
    while get(server["base"], "/healthz")[1]["streams"] and time.time() < deadline:
        time.sleep(0.2)
    assert get(server["base"], "/healthz")[1]["streams"] == 0
    while get(server["base"], "/healthz")[1]["streams_held"] and time.time() < deadline:
        time.sleep(0.2)
    assert get(server["base"], "/healthz")[1]["streams_held"] == 0  # the compute processes let go too
    with connect(server) as d:  # the slots are free again
        assert json.loads(d.recv())["type"] == "hello"
    assert server["proc"].poll() is None
    with contextlib.suppress(Exception):
        stack.close()


def compute_processes(pid: int) -> list[int]:
    """The stream compute processes the server ``pid`` started (from Linux's /proc, which CI
    has; multiprocessing's resource tracker is a child too, and is left out)."""
    found = []
    for task in (Path("/proc") / str(pid) / "task").iterdir():
        for child in (task / "children").read_text().split():
            if b"spawn_main" in (Path("/proc") / child / "cmdline").read_bytes():
                found.append(int(child))
    return found


def test_a_dead_compute_process_closes_its_streams_and_is_replaced(server):
    """The streams' animators live in compute processes: killing them (as the kernel's
    out-of-memory killer would) closes the streams they held with 1011 and nothing else;
    the server answers, and the next stream gets a fresh process."""
    data, rate = sf.read(EXAMPLES / "hello.wav", dtype="int16")
    workers = compute_processes(server["proc"].pid)
    assert len(workers) == get(server["base"], "/healthz")[1]["stream_processes"] >= 1
    with connect(server) as ws:
        assert json.loads(ws.recv())["type"] == "hello"
        ws.send(data[:3200].tobytes())
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(ConnectionClosed):
            while True:
                ws.send(data[:320].tobytes())
                time.sleep(0.01)
        assert ws.close_code == 1011 and "compute process" in ws.close_reason
    assert get(server["base"], "/healthz")[0] == 200
    with connect(server) as ws:
        assert json.loads(ws.recv())["type"] == "hello"
        ws.send(data.tobytes())
        ws.send(json.dumps({"type": "end"}))
        while (msg := json.loads(ws.recv()))["type"] == "frames":
            pass
        assert msg["type"] == "done" and msg["frames"] == frame_count(len(data) / rate, 60)
    assert not set(workers) & set(compute_processes(server["proc"].pid))


def test_serve_without_the_extra_or_with_bad_options_fails_in_one_line():
    res = subprocess.run([sys.executable, "-m", "audioface", "serve", "--port", "0"], capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert res.returncode == 2 and "--port" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = subprocess.run([sys.executable, "-m", "audioface", "serve", "--stream-processes", "0"],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert res.returncode == 2 and "--stream-processes" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert (DATA / "flite_slt_01.wav").is_file()


def test_a_stream_can_drive_the_servers_live_link_receiver(server):
    """sink=livelink: every final frame also reaches the Live Link receiver the server was
    started with (a UDP socket here, reading what Unreal reads), under the stream's subject."""
    from audioface.live.livelink import decode

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(10)
    port = receiver.getsockname()[1]
    data, rate = sf.read(EXAMPLES / "hello.wav", dtype="int16")
    with serve_process(["--livelink", f"127.0.0.1:{port}", "-q"]) as (_proc, base):
        url = base.replace("http", "ws") + "/v1/stream"
        with websockets.connect(
            f"{url}?sample_rate={rate}&sink=livelink&subject=Tester", open_timeout=10
        ) as ws:
            ws.recv()
            pcm = data.astype("<i2")
            for i in range(0, len(pcm), 1600):  # paced a little, as live audio is
                ws.send(pcm[i : i + 1600].tobytes())
                time.sleep(0.01)
            ws.send(json.dumps({"type": "end"}))
            frames = []
            while (msg := json.loads(ws.recv()))["type"] == "frames":
                frames += msg["weights"]
        packets = [decode(receiver.recv(4096)) for _ in frames]
        receiver.close()
        with websockets.connect(f"{url}?sink=vmc", open_timeout=10) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    ws.recv()
            assert closed.value.rcvd.code == 1008 and "unknown sink" in closed.value.rcvd.reason
    assert {p.subject for p in packets} == {"Tester"}
    assert [p.frame for p in packets] == list(range(len(frames)))
    assert np.allclose([p.weights for p in packets], frames, atol=1e-3)
    # a server started without a receiver says so
    with connect(server, "?sink=livelink") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv()
        assert closed.value.rcvd.code == 1008 and "--livelink" in closed.value.rcvd.reason


def test_animate_takes_style_fields(server):
    status, _, body = post_animate(server["base"], HELLO, format="json", text="Hello there.", jaw="1.6",
                                   brows="0")  # fmt: skip
    doc = json.loads(body)
    frames = np.array(doc["frames"])
    assert (
        status == 200
        and frames[:, [doc["names"].index(n) for n in doc["names"] if n.startswith("brow")]].max() == 0
    )
    status, _, body = post_animate(server["base"], HELLO, jaw="3")
    assert status == 400 and "jaw" in json.loads(body)["error"]
    status, _, body = post_animate(server["base"], HELLO, smoothing="soft")
    assert status == 400 and "numbers" in json.loads(body)["error"]


def test_animate_takes_the_aligner(server):
    status, _, body = post_animate(server["base"], HELLO, format="json", text="Hello.", aligner="learned")
    assert status == 200 and json.loads(body)["frames"]
    status, _, body = post_animate(server["base"], HELLO, text="Hello there.", aligner="hmm")
    assert status == 400 and "unknown aligner" in json.loads(body)["error"]


def test_animate_takes_the_language(server):
    """A form's language routes its words (IPA on every phone); an unknown one is a 400."""
    status, _, body = post_animate(server["base"], HELLO, format="json", text="Bonjour.", language="fr")
    phones = [p for w in json.loads(body)["words"] for p in w["phones"]]
    assert status == 200 and [p["ipa"] for p in phones][-1] == "ʁ"  # bɔ̃ʒuʁ, not English "bonjour"
    status, _, body = post_animate(server["base"], HELLO, text="Hello.", language="klingonese")
    assert status == 400 and "unknown language" in json.loads(body)["error"]


def test_a_streams_backlog_is_computed_in_one_call_and_bounds_the_reader():
    import asyncio

    from audioface.serve.stream import _Backlog

    async def scenario():
        backlog = _Backlog(limit=30)
        for k in range(3):
            await backlog.put(np.full(10, k, np.int16))
        blocked = asyncio.create_task(backlog.put(np.full(10, 3, np.int16)))
        await asyncio.sleep(0.01)
        assert not blocked.done()  # 30 samples waiting: the reader stops reading
        first = await backlog.take()
        await asyncio.wait_for(blocked, 1)
        await backlog.put_text("words to come")
        backlog.close()
        return first, await backlog.take(), await backlog.take()

    (first, texts), (second, later), last = asyncio.run(scenario())
    assert first.tolist() == [0] * 10 + [1] * 10 + [2] * 10 and texts == []  # three chunks, one computation
    assert second.tolist() == [3] * 10 and later == ["words to come"] and last is None


def test_a_full_backlog_does_not_hold_the_reader_once_computing_has_stopped():
    import asyncio

    from audioface.serve.stream import _Backlog

    async def scenario():
        backlog = _Backlog(limit=10)
        await backlog.put(np.zeros(10, np.int16))
        waiting = asyncio.create_task(backlog.put(np.zeros(10, np.int16)))
        await asyncio.sleep(0.01)
        assert not waiting.done()
        backlog.close()  # what a failed computation does on its way out
        await asyncio.wait_for(waiting, 1)

    asyncio.run(scenario())


def test_a_busy_servers_stream_waits_for_a_larger_step_of_audio():
    import asyncio

    from audioface.serve.stream import _Backlog

    async def scenario():
        backlog = _Backlog(limit=1000)
        await backlog.put(np.zeros(10, np.int16))
        waiting = asyncio.create_task(backlog.take(least=25))
        await asyncio.sleep(0.01)
        assert not waiting.done()  # 10 of the 25 samples asked for
        await backlog.put(np.ones(20, np.int16))
        pcm, _ = await asyncio.wait_for(waiting, 1)
        await backlog.put(np.ones(5, np.int16))
        backlog.close()  # the end of the stream: what is left goes, however little
        rest, _ = await asyncio.wait_for(backlog.take(least=25), 1)
        return len(pcm), len(rest)

    assert asyncio.run(scenario()) == (30, 5)


def test_streams_are_not_deflated(server):
    """A client offering per-message deflate (websockets does by default) is not given it:
    compressing PCM gains nothing and cost a busy server a quarter of its event loop."""
    with connect(server, "") as ws:
        assert "permessage-deflate" in (ws.request.headers.get("Sec-WebSocket-Extensions") or "")
        assert ws.response.headers.get("Sec-WebSocket-Extensions") is None
        assert json.loads(ws.recv())["type"] == "hello"
