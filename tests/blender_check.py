"""Runs inside a real Blender (the ``blender`` program, or ``bpy`` from PyPI in its own venv) for
tests/test_blender.py: installs the add-on zip, animates meshes with the operator as a script
would, and writes what Blender holds afterwards (keys, strips, reports) to a JSON file that the
test compares with the ``audioface`` command's own output. Not a test module itself.

Arguments (after ``--`` for the program): a JSON file of settings, and the JSON file to write.
"""

import json
import sys

import bpy

ARKIT = None  # the 52 names, from the settings


def fcurves(action) -> list:
    """Every F-curve of an action: in its layers' channel bags (4.4+), else its own list."""
    if getattr(action, "layers", None):
        return [fc for strip in action.layers[0].strips for bag in strip.channelbags for fc in bag.fcurves]
    return list(action.fcurves)


def keys_of(owner) -> dict:
    if owner.animation_data is None or owner.animation_data.action is None:
        return {}
    out = {}
    for fc in fcurves(owner.animation_data.action):
        name = f"{fc.data_path}[{fc.array_index}]"
        out[name] = {"co": [list(p.co) for p in fc.keyframe_points],
                     "interpolation": sorted({p.interpolation for p in fc.keyframe_points})}  # fmt: skip
    return out


def face(name: str, shapes: list) -> object:
    """A mesh with a Basis and the given shape keys, made active."""
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata([(0, 0, 0), (1, 0, 0), (0, 1, 0)], [], [(0, 1, 2)])
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    obj.shape_key_add(name="Basis")
    for shape in shapes:
        obj.shape_key_add(name=shape)
    bpy.context.view_layer.objects.active = obj
    return obj


def rig() -> object:
    """An armature with a head and two eye bones."""
    arm = bpy.data.armatures.new("Rig")
    obj = bpy.data.objects.new("Rig", arm)
    bpy.context.scene.collection.objects.link(obj)
    bpy.context.view_layer.objects.active = obj
    bpy.ops.object.mode_set(mode="EDIT")
    for bone, head in (("Head", (0, 0, 1)), ("Eye.L", (0.1, -0.1, 1.2)), ("Eye.R", (-0.1, -0.1, 1.2))):
        eb = arm.edit_bones.new(bone)
        eb.head, eb.tail = head, (head[0], head[1], head[2] + 0.2)
    bpy.ops.object.mode_set(mode="OBJECT")
    return obj


def strips(scene) -> list:
    editor = scene.sequence_editor
    if editor is None:
        return []
    seqs = editor.strips if hasattr(editor, "strips") else editor.sequences
    return [{"type": s.type, "frame_start": s.frame_start, "channel": s.channel,
             "filepath": bpy.path.abspath(s.sound.filepath) if s.type == "SOUND" else ""}
            for s in seqs]  # fmt: skip


def install(settings: dict) -> str:
    """The zip as a legacy add-on (every version), or as an extension where asked (4.2+)."""
    if settings.get("extension"):
        bpy.ops.extensions.package_install_files(filepath=settings["zip"], repo="user_default",
                                                 enable_on_install=True)  # fmt: skip
        module = "bl_ext.user_default.audioface_blender"
    else:
        bpy.ops.preferences.addon_install(filepath=settings["zip"], overwrite=True)
        module = "audioface_blender"
        bpy.ops.preferences.addon_enable(module=module)
    bpy.context.preferences.addons[module].preferences.executable = settings["exe"]
    return module


def animate(obj, **kwargs) -> str:
    """The operator as a script calls it; its error report (one line) or ''."""
    bpy.context.view_layer.objects.active = obj
    try:
        bpy.ops.audioface.animate(**kwargs)
    except RuntimeError as exc:
        return str(exc)
    return ""


def main(settings: dict) -> dict:
    result = {"blender": bpy.app.version_string, "module": install(settings), "runs": []}
    scene = bpy.context.scene
    armature = rig()
    for run in settings["runs"]:
        scene.render.fps, scene.render.fps_base = run["fps"], 1.0
        obj = face(f"Face{run['fps']}", settings["shapes"])
        bones = {"armature": armature.name, "head_bone": "Head", "left_eye_bone": "Eye.L",
                 "right_eye_bone": "Eye.R"} if run.get("bones") else {}  # fmt: skip
        error = animate(obj, filepath=settings["audio"], text=settings["text"], language="auto",
                        start_frame=run["start_frame"], **bones)  # fmt: skip
        result["runs"].append({"fps": run["fps"], "error": error, "shape_keys": keys_of(obj.data.shape_keys),
                               "object": keys_of(obj), "bones": keys_of(armature) if bones else {},
                               "mouth": obj.get("audioface_mouth")})  # fmt: skip
    bad = face("Bad", settings["shapes"])
    bad.data.shape_keys.key_blocks["jawOpen"].value = 0.25
    before = strips(scene)
    error = animate(bad, filepath=settings["bad_audio"], text=settings["text"], start_frame=1)
    key = bad.data.shape_keys
    animated = key.animation_data is not None or bad.animation_data is not None
    result["bad"] = {"error": error, "animation": animated,
                     "jawOpen": key.key_blocks["jawOpen"].value, "props": list(bad.keys()),
                     "strips_unchanged": strips(scene) == before}  # fmt: skip
    result["strips"] = strips(scene)
    result["frame_end"] = scene.frame_end
    return result


if __name__ == "__main__":
    argv = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else sys.argv[1:]
    with open(argv[0]) as f:
        config = json.load(f)
    bpy.ops.wm.read_factory_settings(use_empty=True)
    with open(argv[1], "w") as f:
        json.dump(main(config), f)
