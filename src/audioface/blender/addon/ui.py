"""The 3D view's sidebar tab *AudioFace*, the scene's settings it edits, and the add-on's
preferences (where the ``audioface`` command is, when it is not on PATH)."""

import bpy
from bpy.props import BoolProperty, EnumProperty, IntProperty, PointerProperty, StringProperty

from . import core
from .operator import ADDON_ID, _items


class AudioFacePreferences(bpy.types.AddonPreferences):
    bl_idname = ADDON_ID

    executable: StringProperty(name="audioface command", subtype="FILE_PATH",
                               description="Path of the audioface program; empty: found on PATH")  # fmt: skip

    def draw(self, context):
        self.layout.prop(self, "executable")


def _is_mesh(_self, obj) -> bool:
    return obj.type == "MESH"


def _is_armature(_self, obj) -> bool:
    return obj.type == "ARMATURE"


class AudioFaceSettings(bpy.types.PropertyGroup):
    """What the panel's *Animate* hands to the operator (kept with the scene, saved in the file)."""

    audio: StringProperty(name="Audio", subtype="FILE_PATH")
    text: StringProperty(name="Transcript")
    text_file: StringProperty(name="Transcript file", subtype="FILE_PATH")
    language: StringProperty(name="Language", default="auto")
    generator: EnumProperty(name="Generator", items=_items(core.GENERATORS), default="learned")
    emotion: EnumProperty(name="Emotion", items=_items(core.EMOTIONS), default="neutral")
    target: PointerProperty(name="Mesh", type=bpy.types.Object, poll=_is_mesh)
    rig: EnumProperty(name="Rig preset", items=_items(core.PRESETS), default="auto")
    start_frame: IntProperty(name="Start frame", default=1)
    mouth_2d: BoolProperty(name="2D mouth property", default=True)
    armature: PointerProperty(name="Armature", type=bpy.types.Object, poll=_is_armature)
    head_bone: StringProperty(name="Head bone")
    left_eye_bone: StringProperty(name="Left eye bone")
    right_eye_bone: StringProperty(name="Right eye bone")


FIELDS = ("text", "text_file", "language", "generator", "emotion", "rig", "start_frame", "mouth_2d",
          "head_bone", "left_eye_bone", "right_eye_bone")  # fmt: skip


class AUDIOFACE_PT_panel(bpy.types.Panel):
    bl_label = "AudioFace"
    bl_idname = "AUDIOFACE_PT_panel"
    bl_space_type = "VIEW_3D"
    bl_region_type = "UI"
    bl_category = "AudioFace"

    def draw(self, context):
        layout = self.layout
        s = context.scene.audioface
        for name in ("audio", "text", "text_file", "language", "generator", "emotion", "target", "rig",
                     "start_frame", "mouth_2d"):  # fmt: skip
            layout.prop(s, name)
        box = layout.box()
        box.label(text="Head and eyes (optional)")
        box.prop(s, "armature")
        if s.armature is not None:
            for name in ("head_bone", "left_eye_bone", "right_eye_bone"):
                box.prop_search(s, name, s.armature.data, "bones")
        target = s.target or context.active_object
        row = layout.row()
        row.enabled = bool(s.audio) and target is not None
        op = row.operator("audioface.animate", icon="PLAY_SOUND")
        op.filepath = s.audio
        op.object_name = target.name if target is not None else ""
        op.armature = s.armature.name if s.armature is not None else ""
        for name in FIELDS:
            bone = name.endswith("_bone")
            setattr(op, name, "" if bone and s.armature is None else getattr(s, name))


CLASSES = (AudioFacePreferences, AudioFaceSettings, AUDIOFACE_PT_panel)
