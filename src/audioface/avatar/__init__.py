"""The 3D faces the curves drive: the parts type, and AudioFace's own face with all 52 ARKit
shapes, built in code. A user's glTF avatar is read into the same parts by
:func:`audioface.formats.gltf_read.load_avatar`."""

from audioface.avatar.default_face import (
    FacePart,
    default_face,
    lip_seam,
    mouth_outline,
    moved_vertices,
    pose,
    rest_normals,
)

__all__ = ["FacePart", "default_face", "lip_seam", "mouth_outline", "moved_vertices", "pose", "rest_normals"]
