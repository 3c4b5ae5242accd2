"""Live outputs: an animation's frames sent as they play, to Unreal (Live Link Face UDP) and to
VTuber apps (VMC over OSC), at the animation's frame rate in real time or as fast as possible."""

from audioface.live.player import parse_address, play, receivers

__all__ = ["parse_address", "play", "receivers"]
