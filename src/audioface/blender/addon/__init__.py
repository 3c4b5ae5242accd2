"""AudioFace for Blender: speech in, shape-key animation out.

The sidebar tab *AudioFace* in the 3D view (and ``bpy.ops.audioface.animate`` for scripts) runs
the installed ``audioface`` command on an audio file and keys the mesh's shape keys, a 2D mouth
property and, optionally, head and eye bones, and adds the audio as a sound strip. Written by
``audioface blender-addon``; one code path for Blender 3.4 up to 5.x, installable as a legacy
add-on (``bl_info``) or, from 4.2, as an extension (``blender_manifest.toml``).
"""

bl_info = {
    "name": "AudioFace",
    "author": "AudioFace contributors",
    "version": (0, 1, 0),
    "blender": (3, 4, 0),
    "location": "3D View > Sidebar > AudioFace",
    "description": "Lip sync from speech: ARKit shape keys, a 2D mouth and head motion, by AudioFace",
    "category": "Animation",
}

import bpy  # noqa: E402

from . import operator, ui  # noqa: E402

CLASSES = (operator.AUDIOFACE_OT_animate, *ui.CLASSES)


def register() -> None:
    for cls in CLASSES:
        bpy.utils.register_class(cls)
    bpy.types.Scene.audioface = bpy.props.PointerProperty(type=ui.AudioFaceSettings)


def unregister() -> None:
    del bpy.types.Scene.audioface
    for cls in reversed(CLASSES):
        bpy.utils.unregister_class(cls)
