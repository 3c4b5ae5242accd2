"""``audioface check-rig``: how the animation lands on an avatar, shape by shape."""

from __future__ import annotations

import argparse
import sys

from audioface.errors import AudioFaceError
from audioface.formats.rigs import PRESETS as RIG_PRESETS
from audioface.formats.rigs import TARGET_MODES


def add_parser(sub) -> None:
    presets = "\n".join(f"  {r.name:<10} {r.title}" for r in RIG_PRESETS.values())
    cr = sub.add_parser(
        "check-rig",
        help="say how the animation lands on an avatar: which shapes map, which are missing",
        description="Read an avatar (.glb or .vrm) and list, for each of the 52 ARKit curves, the morph "
        "targets or VRM expressions that carry it, what is approximated from other shapes and what is "
        "dropped. Exits 1 when nothing on the avatar can open the mouth.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"rig presets:\n{presets}",
    )
    cr.add_argument("avatar", nargs="?", help="the avatar: .glb (or .vrm, which is a .glb)")
    cr.add_argument("--names-file", metavar="FILE", help="instead of an avatar: shape names, one a line "
                    "(a Blender mesh's shape keys: the Blender add-on checks its mesh this way)")  # fmt: skip
    cr.add_argument("--preset", choices=list(RIG_PRESETS), help="the rig's convention (default: detected)")
    cr.add_argument("--targets", choices=TARGET_MODES, default="auto", help="as animate's --targets")
    cr.add_argument("--json", action="store_true", help="the report as JSON")
    cr.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.formats.rig_check import check_names, check_rig, report_json, report_text

    if (args.avatar is None) == (args.names_file is None):
        raise AudioFaceError("check-rig takes an avatar file or --names-file, one of the two")
    if args.names_file:
        with open(args.names_file, encoding="utf-8") as f:
            names = [line.strip() for line in f if line.strip()]
        check = check_names(names, args.names_file, args.preset, args.targets)
    else:
        check = check_rig(args.avatar, args.preset, args.targets)
    sys.stdout.write(report_json(check) + "\n" if args.json else report_text(check))
    return 0 if check.drives_mouth else 1
