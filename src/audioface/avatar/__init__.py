"""The project's own face: a mesh with all 52 ARKit shapes, built in code."""

from audioface.avatar.default_face import FacePart, default_face, lip_seam, pose

__all__ = ["FacePart", "default_face", "lip_seam", "pose"]
