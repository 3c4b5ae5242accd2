"""Motion stage: timed phones (+ prosody) -> ARKit-52 curves and head/eye rotations."""

from audioface.motion.face import FaceOptions, Prosody, animate_face

__all__ = ["FaceOptions", "Prosody", "animate_face"]
