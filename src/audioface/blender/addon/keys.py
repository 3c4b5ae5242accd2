"""Writing the result into Blender: F-curves on the shape keys, the 2D mouth property, the head
and eye bones, and the sound strip. One code path for Blender 3.4 up to 5.x: where the API
changed (slotted actions in 4.4, ``sequences`` renamed ``strips``), the newer call is used when
it exists.

Everything here runs only after AudioFace has finished and every name has been checked, so a
failed run never leaves a half-keyed object.
"""

import os

import bpy

MOUTH_PROPERTY = "audioface_mouth"
# rotation_euler index per rotation: X pitch, Y yaw (along an upright bone), Z roll
AXES = {"Pitch": 0, "Yaw": 1, "Roll": 2}
BONE_PARTS = (("head_bone", "Head"), ("left_eye_bone", "LeftEye"), ("right_eye_bone", "RightEye"))


def quoted(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', '\\"')


def new_action(owner, name: str):
    """A fresh Action assigned to ``owner`` (an ID: a shape-key block, an object)."""
    if owner.animation_data is None:
        owner.animation_data_create()
    action = bpy.data.actions.new(name)
    owner.animation_data.action = action
    return action


def own_action(owner, name: str):
    """``owner``'s Action, made if it has none: the object's other animation stays."""
    if owner.animation_data is not None and owner.animation_data.action is not None:
        return owner.animation_data.action
    return new_action(owner, name)


def fcurve(action, owner, data_path: str, index: int = 0, group: str = ""):
    """The F-curve for ``data_path`` in ``action``, emptied; made where missing."""
    if hasattr(action, "fcurve_ensure_for_datablock"):  # Blender 4.4+: slotted actions
        fc = action.fcurve_ensure_for_datablock(owner, data_path, index=index)
    else:
        fc = action.fcurves.find(data_path, index=index)
        if fc is None:
            fc = action.fcurves.new(data_path, index=index, action_group=group)
    while len(fc.keyframe_points):
        fc.keyframe_points.remove(fc.keyframe_points[-1], fast=True)
    return fc


def set_keys(fc, flat: list, interpolation: str) -> None:
    """Keys at (frame, value, frame, value, ...), all at once (``foreach_set``)."""
    fc.keyframe_points.add(len(flat) // 2)
    fc.keyframe_points.foreach_set("co", flat)
    for point in fc.keyframe_points:
        point.interpolation = interpolation
    fc.update()


def key_shapes(obj, curves: dict, action_name: str) -> None:
    """One new Action on the object's shape keys, one LINEAR F-curve per driven shape key."""
    key = obj.data.shape_keys
    action = new_action(key, action_name)
    for name, flat in curves.items():
        set_keys(fcurve(action, key, f'key_blocks["{quoted(name)}"].value'), flat, "LINEAR")


def key_mouth(obj, flat: list) -> None:
    """The 2D mouth: an integer custom property, held from cue to cue (CONSTANT)."""
    obj[MOUTH_PROPERTY] = int(flat[1]) if flat else 8
    action = own_action(obj, f"{obj.name} AudioFace")
    set_keys(fcurve(action, obj, f'["{MOUTH_PROPERTY}"]', group="AudioFace"), flat, "CONSTANT")


def key_bones(armature, bones: dict, rotations: dict) -> None:
    """``bones``: part (Head, LeftEye, RightEye) -> bone name; ``rotations``: rotation name ->
    flat keys in radians."""
    action = own_action(armature, f"{armature.name} AudioFace")
    for part, bone in bones.items():
        pose_bone = armature.pose.bones[bone]
        pose_bone.rotation_mode = "XYZ"
        for axis, index in AXES.items():
            flat = rotations.get(part + axis)
            if flat:
                path = f'pose.bones["{quoted(bone)}"].rotation_euler'
                set_keys(fcurve(action, armature, path, index, bone), flat, "LINEAR")


def _strips(scene):
    editor = scene.sequence_editor or scene.sequence_editor_create()
    return editor.strips if hasattr(editor, "strips") else editor.sequences


def add_sound(scene, audio: str, start_frame: int):
    """The audio as a sound strip at the start frame, and playback synced to it. Returns the new
    strip, or None where the same file already starts there (it is reused)."""
    strips = _strips(scene)
    path = os.path.abspath(audio)
    for strip in strips:
        if strip.type == "SOUND" and int(strip.frame_start) == start_frame and \
                os.path.abspath(bpy.path.abspath(strip.sound.filepath)) == path:  # fmt: skip
            return None
    channel = 1 + max((s.channel for s in strips), default=0)
    strip = strips.new_sound(os.path.basename(audio), path, channel, start_frame)
    scene.sync_mode = "AUDIO_SYNC"
    return strip


class Rollback:
    """Puts back what a failed write changed: the actions the owners had, the 2D mouth property,
    a new sound strip. A bug, not a user's mistake, would get here; the object stays as it was."""

    def __init__(self, scene, owners: list):
        self.scene, self.strip = scene, None
        self.owners = [(o, o.animation_data.action if o.animation_data else None) for o in owners if o]
        self.actions = set(bpy.data.actions)
        self.props = {o: o.get(MOUTH_PROPERTY) for o in owners if o is not None and hasattr(o, "keys")}

    def __enter__(self):
        return self

    def __exit__(self, kind, _exc, _tb) -> bool:
        if kind is None:
            return False
        for owner, action in self.owners:
            if owner.animation_data is not None:
                owner.animation_data.action = action
        for action in set(bpy.data.actions) - self.actions:
            bpy.data.actions.remove(action)
        for owner, value in self.props.items():
            if value is None and MOUTH_PROPERTY in owner:
                del owner[MOUTH_PROPERTY]
        if self.strip is not None:
            _strips(self.scene).remove(self.strip)
        return False
