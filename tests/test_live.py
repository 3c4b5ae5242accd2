"""Live outputs received by real sockets in the test: Live Link Face UDP packets decoded as
Unreal reads them, and VMC messages received by a python-osc server."""

import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from conftest import EXAMPLES

from audioface import animate, arkit
from audioface.errors import AudioFaceError
from audioface.live import parse_address, play
from audioface.live.livelink import SHAPE_ORDER, VALUE_NAMES, decode, encode


@pytest.fixture(scope="module")
def anim():
    return animate(EXAMPLES / "hello.wav", "hello there", fps=30, jobs=1)


def udp_listener():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    return sock, sock.getsockname()[1]


class Receiver(threading.Thread):
    """Reads the socket while the sender sends: a burst larger than the socket's buffer would
    otherwise be dropped by the kernel, as it would for any UDP receiver that stops reading."""

    def __init__(self, sock):
        super().__init__(daemon=True)
        self.sock, self.packets = sock, []

    def run(self):
        try:
            while True:
                self.packets.append(self.sock.recv(2048))
        except OSError:
            pass


def test_packet_layout_round_trips():
    w = np.linspace(0, 1, 52)
    rot = np.arange(9) / 10
    data = encode(w, rot, 42, 29.97, "Hero", "DEV-1")
    assert data[0] == 6 and len(data) == 1 + (4 + 5) + (4 + 4) + 16 + 1 + 61 * 4
    p = decode(data)
    assert (p.subject, p.device_id, p.frame, p.fps, p.fps_denominator) == ("Hero", "DEV-1", 42, 30000, 1001)
    assert np.allclose(p.weights, w, atol=1e-6) and np.allclose(p.rotations, rot, atol=1e-6)
    # Unreal's enum order: JawLeft before JawRight; values 17 (JawOpen) and 52.. (head yaw)
    assert SHAPE_ORDER.index("JawLeft") < SHAPE_ORDER.index("JawRight") and VALUE_NAMES[52] == "HeadYaw"
    jaw = np.zeros(52)
    jaw[arkit.INDEX["jawOpen"]] = 0.5
    raw = np.frombuffer(encode(jaw, None, 0, 60, "s", "d"), ">f4", 61, 1 + 5 + 5 + 16 + 1)
    assert raw[17] == 0.5 and raw.sum() == 0.5
    with pytest.raises(AudioFaceError, match="not a Live Link Face packet"):
        decode(b"\x06garbage")


def test_livelink_packets_reach_a_udp_socket():
    # 10 fps: a burst sent as fast as possible must fit the socket's buffer (about 160 of these
    # packets on Linux's default), which a loaded machine may not drain in time
    anim = animate(EXAMPLES / "hello.wav", "hello there", fps=10, jobs=1)
    sock, port = udp_listener()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.settimeout(1)
    receiver = Receiver(sock)
    receiver.start()
    sent = play(anim, f"127.0.0.1:{port}", subject="Tester", realtime=False)
    receiver.join(10)
    sock.close()
    packets = [decode(p) for p in receiver.packets]
    assert sent == anim.n_frames == len(packets)
    assert {p.subject for p in packets} == {"Tester"} and [p.frame for p in packets] == list(range(sent))
    got = np.array([p.weights for p in packets])
    assert np.allclose(got, anim.weights, atol=1e-6)
    assert np.allclose([p.rotations for p in packets], anim.rotations, atol=1e-6)
    assert packets[0].fps == 10 and packets[0].fps_denominator == 1


def test_realtime_playback_keeps_the_frame_rate(anim):
    sock, port = udp_listener()
    with sock:
        t0 = time.monotonic()
        play(anim, f"127.0.0.1:{port}", realtime=True)
        elapsed = time.monotonic() - t0
    expected = (anim.n_frames - 1) / anim.fps
    assert expected - 0.05 <= elapsed <= expected + 0.5


def test_vmc_messages_reach_an_osc_server(anim):
    from pythonosc.dispatcher import Dispatcher
    from pythonosc.osc_server import ThreadingOSCUDPServer

    values, applies = [], []
    dispatcher = Dispatcher()
    dispatcher.map("/VMC/Ext/Blend/Val", lambda _addr, name, value: values.append((name, value)))
    dispatcher.map("/VMC/Ext/Blend/Apply", lambda _addr: applies.append(1))
    server = ThreadingOSCUDPServer(("127.0.0.1", 0), dispatcher)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        play(anim, vmc=f"127.0.0.1:{port}", realtime=True)
        deadline = time.time() + 5
        while len(applies) < anim.n_frames and time.time() < deadline:
            time.sleep(0.05)
        assert len(applies) == anim.n_frames and len(values) == 52 * anim.n_frames
        jaw = np.array([v for n, v in values if n == "jawOpen"])
        assert np.allclose(jaw, anim.curve("jawOpen"), atol=1e-6)
        values.clear()
        applies.clear()
        play(anim, vmc=f"127.0.0.1:{port}", vmc_names="vowels", realtime=True)
        deadline = time.time() + 5
        while len(applies) < anim.n_frames and time.time() < deadline:
            time.sleep(0.05)
        assert {n for n, _ in values} == {"A", "I", "U", "E", "O", "Blink_L", "Blink_R"}
        assert max(v for n, v in values if n in "AIUEO") > 0.3  # "hello there" opens on its vowels
    finally:
        server.shutdown()
        server.server_close()


def test_cli_live_and_its_errors():
    sock, port = udp_listener()
    with sock:
        wav = str(EXAMPLES / "hello.wav")
        res = subprocess.run([sys.executable, "-m", "audioface", "live", wav, "--text", "hello there",
                              "--livelink", f"127.0.0.1:{port}", "--subject", "Cli",
                              "--realtime", "off", "--fps", "30", "-q"],
                             capture_output=True, text=True, timeout=300)  # fmt: skip
        assert res.returncode == 0, res.stderr
        first = decode(sock.recv(2048))
    assert first.subject == "Cli" and first.frame == 0
    for extra, words in ((["--livelink", "nohost:port"], "HOST:PORT"), ([], "name a receiver")):
        res = subprocess.run([sys.executable, "-m", "audioface", "live", str(EXAMPLES / "hello.wav"), *extra],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        assert res.returncode == 2 and words in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert parse_address("10.0.0.5", 11111) == ("10.0.0.5", 11111)
