"""Render the README's picture of the Blender add-on at work: AudioFace's own face (exported as
glTF by ``audioface animate --format glb``) imported into Blender, its shape keys animated by
the add-on's operator from examples/hello.wav, a few frames rendered with Workbench, headless.

    python tools/make_blender_screenshot.py [-o docs/images/blender.png]

Run by a plain Python, it writes the add-on and the face, then runs itself inside Blender (bpy
4.5 from the test cache's venv, ~/.cache/audioface-test/bpy45, or the ``blender`` program) to
render, and lays the frames side by side with PIL. Inside Blender it does the scene.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WAV = ROOT / "examples" / "hello.wav"
TEXT = ROOT / "examples" / "hello.txt"
SIZE = (300, 360)  # one frame, pixels


def pick_frames(key, start: int) -> list[tuple[int, str]]:
    """Frames that show the mouth at work: at rest, open widest, rounded, lips pressed."""

    def curve(name: str) -> list[tuple[float, float]]:
        action = key.animation_data.action
        fcurves = action.fcurves if not getattr(action, "layers", None) else \
            [fc for s in action.layers[0].strips for b in s.channelbags for fc in b.fcurves]  # fmt: skip
        fc = next(f for f in fcurves if f.data_path == f'key_blocks["{name}"].value')
        return [tuple(p.co) for p in fc.keyframe_points]

    jaw, pucker, close = curve("jawOpen"), curve("mouthPucker"), curve("mouthClose")
    speech = [f for f, v in jaw if v > 0.05]
    inside = [(f, v) for f, v in close if speech[0] <= f <= speech[-1]]
    return [(start + 2, "rest"), (int(max(jaw, key=lambda p: p[1])[0]), "open"),
            (int(max(pucker, key=lambda p: p[1])[0]), "rounded"),
            (int(max(inside, key=lambda p: p[1])[0]), "closed")]  # fmt: skip


def scene(settings: dict) -> None:
    """Inside Blender: install the add-on, import the face, animate it, render the frames."""
    import bpy

    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.preferences.addon_install(filepath=settings["zip"], overwrite=True)
    bpy.ops.preferences.addon_enable(module="audioface_blender")
    bpy.context.preferences.addons["audioface_blender"].preferences.executable = settings["exe"]
    bpy.ops.import_scene.gltf(filepath=settings["glb"])
    face = next(o for o in bpy.data.objects if o.type == "MESH" and o.data.shape_keys)
    face.data.shape_keys.animation_data_clear()  # the glTF's own animation: the add-on keys it anew
    sc = bpy.context.scene
    sc.render.fps, sc.render.fps_base = 30, 1.0
    bpy.context.view_layer.objects.active = face
    bpy.ops.audioface.animate(filepath=settings["audio"], text=settings["text"], start_frame=1)
    cam = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
    sc.collection.objects.link(cam)
    points = [face.matrix_world @ v.co for v in face.data.vertices]
    center = sum(points, face.location * 0) / len(points)
    cam.location = (center.x + 0.12, center.y - 0.5, center.z + 0.02)
    cam.rotation_euler = (math.radians(88), 0, math.radians(13))
    cam.data.lens = 85
    sc.camera = cam
    for mat in bpy.data.materials:  # Workbench shows the viewport colour: take the glTF's base colour
        bsdf = mat.node_tree.nodes.get("Principled BSDF") if mat.node_tree else None
        if bsdf is not None:
            mat.diffuse_color = bsdf.inputs["Base Color"].default_value
    sc.render.engine = "BLENDER_WORKBENCH"
    sc.display.shading.light = "STUDIO"
    sc.display.shading.color_type = "MATERIAL"
    sc.display.shading.show_cavity = True
    sc.world = bpy.data.worlds.new("World")
    sc.world.color = (0.23, 0.23, 0.25)
    sc.render.resolution_x, sc.render.resolution_y = SIZE
    sc.render.image_settings.file_format = "PNG"
    shots = []
    for frame, label in pick_frames(face.data.shape_keys, 1):
        sc.frame_set(frame)
        sc.render.filepath = os.path.join(settings["out"], f"{frame:05d}.png")
        bpy.ops.render.render(write_still=True)
        shots.append({"frame": frame, "label": label, "path": sc.render.filepath})
    with open(os.path.join(settings["out"], "shots.json"), "w") as f:
        json.dump(shots, f)


def blender_command() -> list[str]:
    venv = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "audioface-test" / "bpy45"
    if (venv / ".ok").exists():
        return [str(venv / "bin" / "python"), __file__]
    if shutil.which("blender"):
        return [shutil.which("blender"), "-b", "--factory-startup", "--python-exit-code", "1", "--python",
                __file__, "--"]  # fmt: skip
    sys.exit("no Blender: run tests/test_blender.py once (it installs both) or apt-get install blender")


def compose(shots: list[dict], out: Path) -> None:
    """The frames side by side, each labelled with its frame and what the mouth does."""
    from PIL import Image, ImageDraw

    sheet = Image.new("RGB", (SIZE[0] * len(shots), SIZE[1] + 28), (40, 40, 44))
    draw = ImageDraw.Draw(sheet)
    for i, shot in enumerate(shots):
        sheet.paste(Image.open(shot["path"]).convert("RGB"), (i * SIZE[0], 0))
        label = f"frame {shot['frame']}: {shot['label']}"
        draw.text((i * SIZE[0] + 10, SIZE[1] + 8), label, fill=(230, 230, 230))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)


def main() -> None:
    default = ROOT / "docs" / "images" / "blender.png"
    out = Path(sys.argv[sys.argv.index("-o") + 1]) if "-o" in sys.argv else default
    from audioface.blender import write_addon

    exe = shutil.which("audioface") or sys.exit("the audioface command is not on PATH")
    with tempfile.TemporaryDirectory() as tmp:
        glb = os.path.join(tmp, "face.glb")
        subprocess.run([exe, "animate", str(WAV), "--text-file", str(TEXT), "-o", glb, "-q"], check=True)
        addon = str(write_addon(Path(tmp) / "addon.zip"))
        text = TEXT.read_text()
        settings = {"zip": addon, "exe": exe, "glb": glb, "audio": str(WAV), "text": text, "out": tmp}
        Path(tmp, "settings.json").write_text(json.dumps(settings))
        folders = ("SCRIPTS", "CONFIG", "RESOURCES")  # Blender's user folders: the run's own
        user = {f"BLENDER_USER_{k}": os.path.join(tmp, "user", k.lower()) for k in folders}
        subprocess.run([*blender_command(), os.path.join(tmp, "settings.json")], check=True,
                       env={**os.environ, **user})  # fmt: skip
        compose(json.loads(Path(tmp, "shots.json").read_text()), out)
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    try:
        import bpy  # noqa: F401  (inside Blender: make the scene)
    except ImportError:
        main()
    else:
        scene(json.loads(Path(sys.argv[-1]).read_text()))
