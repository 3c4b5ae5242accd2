"""Motion stage: timed phones (+ prosody) -> ARKit-52 curves and head/eye rotations."""

from audioface.motion.face import ROTATION_NAMES, FaceOptions, Prosody, animate_face

__all__ = ["ROTATION_NAMES", "FaceOptions", "Prosody", "animate_face"]
