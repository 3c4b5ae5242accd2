"""Motion stage: timed phones (+ loudness) -> ARKit-52 curves."""

from audioface.motion.face import animate_face

__all__ = ["animate_face"]
