"""VMC protocol blend shapes over OSC (what VSeeFace, VNyan, Warudo and other VMC receivers read):
per frame one bundle of ``/VMC/Ext/Blend/Val name value`` messages, then ``/VMC/Ext/Blend/Apply``.

Two name maps: ``arkit`` sends the 52 ARKit shapes under their ARKit names (the "perfect sync"
rigs VTubers use), ``vowels`` sends VRM's five mouth presets (A I U E O) made from the Oculus
viseme weights, and the blinks (Blink_L, Blink_R).
"""

from __future__ import annotations

import numpy as np

from audioface import arkit
from audioface.errors import AudioFaceError

NAME_MAPS = ("arkit", "vowels")
VOWELS = {"A": "aa", "I": "ih", "U": "ou", "E": "E", "O": "oh"}  # VRM 0.x preset -> OVR viseme


def frame_values(weights: np.ndarray, visemes: np.ndarray | None, names: str) -> list[tuple[str, float]]:
    """(blend shape name, value) pairs for one frame under a name map."""
    if names == "arkit":
        return [(n, float(v)) for n, v in zip(arkit.NAMES, weights, strict=True)]
    from audioface.formats.visemes import OVR

    vis = np.zeros(len(OVR)) if visemes is None else visemes
    out = [(preset, float(vis[OVR.index(v)])) for preset, v in VOWELS.items()]
    out += [("Blink_L", float(weights[arkit.INDEX["eyeBlinkLeft"]])),
            ("Blink_R", float(weights[arkit.INDEX["eyeBlinkRight"]]))]  # fmt: skip
    return out


class VmcSender:
    """An OSC client sending each frame to a VMC receiver at ``(host, port)``."""

    def __init__(self, host: str, port: int = 39539, names: str = "arkit"):
        if names not in NAME_MAPS:
            raise AudioFaceError(f"unknown VMC name map {names!r}; choose one of {', '.join(NAME_MAPS)}")
        try:
            from pythonosc.udp_client import SimpleUDPClient
        except ImportError:
            raise AudioFaceError("VMC output needs python-osc: pip install 'audioface[serve]'") from None
        self.names = names
        self.client = SimpleUDPClient(host, port)

    def send(self, values: list[tuple[str, float]]) -> None:
        from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
        from pythonosc.osc_message_builder import OscMessageBuilder

        bundle = OscBundleBuilder(IMMEDIATELY)
        for name, value in values:
            msg = OscMessageBuilder("/VMC/Ext/Blend/Val")
            msg.add_arg(name)
            msg.add_arg(float(value), "f")
            bundle.add_content(msg.build())
        bundle.add_content(OscMessageBuilder("/VMC/Ext/Blend/Apply").build())
        self.client.send(bundle.build())

    def close(self) -> None:
        pass
