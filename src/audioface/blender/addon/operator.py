"""``bpy.ops.audioface.animate``: run AudioFace on an audio file and key the active object.

From the panel (``invoke``) it is modal: the ``audioface`` processes run beside Blender, a
timer polls them, the status bar says what runs and for how long, and Esc stops them. From a
script (``execute``, and any call in background mode) it runs to the end before returning,
so the script sees the result. Errors are one report line; the object is touched only once
everything has succeeded.
"""

import os
import time

import bpy
from bpy.props import BoolProperty, EnumProperty, IntProperty, StringProperty

from . import core, keys
from .job import Job

ADDON_ID = __package__


def _items(values):
    return [(v, v, "") for v in values]


def _shape_names(obj) -> list:
    data = getattr(obj, "data", None)
    key = getattr(data, "shape_keys", None)
    if key is None:
        return []
    return [kb.name for kb in key.key_blocks if kb != key.reference_key]


class AUDIOFACE_OT_animate(bpy.types.Operator):
    """Animate the object's shape keys from speech with AudioFace"""

    bl_idname = "audioface.animate"
    bl_label = "Animate"
    bl_options = {"REGISTER", "UNDO"}

    filepath: StringProperty(name="Audio", subtype="FILE_PATH", description="WAV, FLAC, OGG or MP3")
    text: StringProperty(name="Transcript", description="What is said (optional: else it is recognised)")
    text_file: StringProperty(name="Transcript file", subtype="FILE_PATH", description="Or a text file")
    language: StringProperty(name="Language", default="auto", description="Language code, or auto")
    generator: EnumProperty(name="Generator", items=_items(core.GENERATORS), default="learned")
    emotion: EnumProperty(name="Emotion", items=_items(core.EMOTIONS), default="neutral")
    rig: EnumProperty(name="Rig preset", items=_items(core.PRESETS), default="auto",
                      description="How shape-key names are read; auto: as check-rig detects")  # fmt: skip
    start_frame: IntProperty(name="Start frame", default=1)
    object_name: StringProperty(name="Object", description="The object to animate (empty: the active one)")
    mouth_2d: BoolProperty(name="2D mouth property", default=True,
                           description="Key the integer audioface_mouth: Rhubarb A-H, X as 0-8")  # fmt: skip
    armature: StringProperty(name="Armature", description="Armature whose bones take the head and eyes")
    head_bone: StringProperty(name="Head bone")
    left_eye_bone: StringProperty(name="Left eye bone")
    right_eye_bone: StringProperty(name="Right eye bone")

    def _target(self, context):
        obj = bpy.data.objects.get(self.object_name) if self.object_name else context.active_object
        if obj is None:
            raise core.AddonError(f"no object named {self.object_name!r}" if self.object_name
                                  else "no active object to animate")  # fmt: skip
        return obj

    def _bones(self):
        bones = {part: getattr(self, prop) for prop, part in keys.BONE_PARTS if getattr(self, prop)}
        if not bones:
            return None, {}
        armature = bpy.data.objects.get(self.armature)
        if armature is None or armature.type != "ARMATURE":
            raise core.AddonError(f"bones are named but {self.armature!r} is not an armature object")
        missing = [b for b in bones.values() if b not in armature.pose.bones]
        if missing:
            raise core.AddonError(f"{armature.name} has no bone {', '.join(missing)}")
        return armature, bones

    def _prepare(self, context) -> None:
        """Check everything a user can get wrong, before anything runs or changes."""
        self.obj = self._target(context)
        self.armature_obj, self.bone_map = self._bones()
        self.audio = bpy.path.abspath(self.filepath) if self.filepath else ""
        if not self.audio:
            raise core.AddonError("no audio file chosen")
        names = _shape_names(self.obj)
        if not names and not self.mouth_2d and not self.bone_map:
            raise core.AddonError(f"{self.obj.name} has no shape keys to animate")
        prefs = context.preferences.addons.get(ADDON_ID)
        exe = core.find_executable(prefs.preferences.executable if prefs else "")
        text_file = bpy.path.abspath(self.text_file) if self.text_file else ""
        options = {"text": self.text, "text_file": text_file, "language": self.language,
                   "generator": self.generator, "emotion": self.emotion}  # fmt: skip
        render = context.scene.render
        self.job = Job(exe, self.audio, options, names, self.rig, render.fps / render.fps_base, self.mouth_2d,
                       self.obj.name)  # fmt: skip

    def _finish(self, context) -> None:
        """Turn what AudioFace wrote into keys (all computed before Blender's data changes)."""
        res = self.job.result()
        scene = context.scene
        fps = scene.render.fps / scene.render.fps_base
        anim, start = res["anim"], self.start_frame
        shapes = {}
        if res["rig"]:
            weights = core.target_weights(anim, res["rig"], res["visemes"])
            shapes = {n: core.curve_keys(v, anim["fps"], fps, start) for n, v in weights.items()}
        mouth = core.mouth_keys(res["cues"], fps, start) if res["cues"] is not None else None
        rotations = {}
        if self.bone_map and anim.get("rotations"):
            columns = list(zip(*anim["rotations"], strict=True))
            rotations = {name: core.curve_keys(columns[i], anim["fps"], fps, start)
                         for i, name in enumerate(anim["rotation_names"])}  # fmt: skip
        owners = [self.obj, getattr(self.obj.data, "shape_keys", None), self.armature_obj]
        with keys.Rollback(scene, owners) as rollback:
            rollback.strip = keys.add_sound(scene, self.audio, start)
            if shapes:
                keys.key_shapes(self.obj, shapes, f"AudioFace {os.path.basename(self.audio)}")
            if mouth is not None:
                keys.key_mouth(self.obj, mouth)
            if rotations:
                keys.key_bones(self.armature_obj, self.bone_map, rotations)
        last = core.frame_of(len(anim["frames"]) / anim["fps"], fps, start)
        scene.frame_end = max(scene.frame_end, int(last + 0.999))
        for line in core.rig_summary(res["rig"], self.obj.name) if res["rig"] else []:
            self.report({"INFO"}, line)
        frames = len(anim["frames"])
        self.report({"INFO"}, f"AudioFace: {frames} frames keyed on {self.obj.name} from frame {start}")

    def execute(self, context):
        self.job = None
        try:
            self._prepare(context)
            self.job.run()
            self._finish(context)
        except core.AddonError as exc:
            return self._fail(str(exc))
        except Exception as exc:  # never a traceback at the user: one line, the object as it was
            return self._fail(f"AudioFace failed: {type(exc).__name__}: {exc}".splitlines()[0])
        finally:
            if self.job is not None:
                self.job.cleanup()
        return {"FINISHED"}

    def _fail(self, message: str):
        self.report({"ERROR"}, message)
        return {"CANCELLED"}

    def invoke(self, context, event):
        if bpy.app.background or context.window is None:
            return self.execute(context)
        self.job = None
        try:
            self._prepare(context)
            self.job.start()
        except (core.AddonError, OSError) as exc:
            return self._fail(str(exc))
        self.started = time.monotonic()
        wm = context.window_manager
        self.timer = wm.event_timer_add(0.1, window=context.window)
        wm.modal_handler_add(self)
        self._status(context)
        return {"RUNNING_MODAL"}

    def _status(self, context) -> None:
        """What runs, on which file, for how long: in the status bar while the processes run."""
        label = self.job.stage.label if self.job.stage is not None else "starting"
        seconds = time.monotonic() - self.started
        context.workspace.status_text_set(
            f"AudioFace: {label} {os.path.basename(self.audio)}, {seconds:.0f} s (Esc to cancel)"
        )

    def _end(self, context) -> None:
        context.window_manager.event_timer_remove(self.timer)
        context.workspace.status_text_set(None)
        self.job.cleanup()

    def modal(self, context, event):
        if event.type == "ESC":
            self.job.cancel()
            self._end(context)
            self.report({"WARNING"}, "AudioFace: cancelled")
            return {"CANCELLED"}
        if event.type != "TIMER":
            return {"PASS_THROUGH"}
        try:
            if not self.job.step():
                self._status(context)
                return {"RUNNING_MODAL"}
            self._finish(context)
        except Exception as exc:
            self.job.cancel()
            self._end(context)
            message = str(exc) if isinstance(exc, core.AddonError) else f"AudioFace failed: {exc}"
            return self._fail(message.splitlines()[0] if message else "AudioFace failed")
        self._end(context)
        return {"FINISHED"}
