"""VMC protocol blend shapes over OSC (what VSeeFace, VNyan, Warudo and other VMC receivers read):
per frame one bundle of ``/VMC/Ext/Blend/Val name value`` messages, then ``/VMC/Ext/Blend/Apply``.

The names sent follow a rig preset (:mod:`audioface.formats.rigs`): ``arkit`` sends the 52 ARKit
shapes under their ARKit names (the "perfect sync" rigs VTubers use); ``vowels`` (the ``vrm0``
preset) sends VRM's five mouth presets A I U E O from the Oculus visemes, and the blinks; any
other preset sends its own names.
"""

from __future__ import annotations

import numpy as np

from audioface.errors import AudioFaceError
from audioface.formats import rigs

NAME_MAPS = ("arkit", "vowels", *(p for p in rigs.PRESETS if p != "arkit"))


def binding(names: str) -> rigs.Binding:
    """The rig a VMC name map sends to: the whole preset, no avatar to fit."""
    if names not in NAME_MAPS:
        raise AudioFaceError(f"unknown VMC name map {names!r}; choose one of {', '.join(NAME_MAPS)}")
    return rigs.bind(rigs.preset("vrm0" if names == "vowels" else names))


def frame_values(
    bound: rigs.Binding, weights: np.ndarray, visemes: np.ndarray | None
) -> list[tuple[str, float]]:
    """(blend shape name, value) pairs for one frame."""
    values = bound.weights(weights[None], None if visemes is None else visemes[None])[0]
    return [(n, float(v)) for n, v in zip(bound.names, values, strict=True)]


class VmcSender:
    """An OSC client sending each frame to a VMC receiver at ``(host, port)``."""

    def __init__(self, host: str, port: int = 39539, names: str = "arkit"):
        self.binding = binding(names)
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
