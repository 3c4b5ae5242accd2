"""``audioface blender-addon``: write the Blender add-on as a zip to install in Blender."""

from __future__ import annotations

import argparse

BLENDER_EXAMPLES = """\
examples:
  audioface blender-addon -o audioface_blender.zip
      then in Blender: Edit > Preferences > Add-ons > Install (3.4 and later), or drop the zip on
      Blender's window / Install from Disk (4.2 and later, as an extension); enable "AudioFace"
      and open the 3D view's sidebar (N), tab AudioFace
  blender -b face.blend --python-expr "import bpy; bpy.ops.audioface.animate(filepath='line.wav', \\
      text='Hello there.', start_frame=1); bpy.ops.wm.save_mainfile()"
      the same from a script, on the active object
"""


def add_parser(sub) -> None:
    ba = sub.add_parser(
        "blender-addon",
        help="write the Blender add-on (lip sync on shape keys, inside Blender) as an installable zip",
        description="Write AudioFace's Blender add-on as a zip for Blender 3.4 and later. In Blender it "
        "animates a mesh's shape keys (ARKit names in any spelling, Ready Player Me visemes, VRM), a 2D "
        "mouth property and head and eye bones from an audio file, by running this installed audioface "
        "command: Blender's own Python needs nothing more.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=BLENDER_EXAMPLES,
    )
    ba.add_argument("-o", "--output", default="audioface_blender.zip", help="the zip to write "
                    "(default audioface_blender.zip)")  # fmt: skip
    ba.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.blender import write_addon

    path = write_addon(args.output)
    print(f"wrote {path}: install it in Blender (Preferences > Add-ons), then open the AudioFace tab")
    return 0
