"""``audioface check-rig``: how the animation lands on an avatar, shape by shape."""

from __future__ import annotations

import argparse
import sys

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
    cr.add_argument("avatar", help="the avatar: .glb (or .vrm, which is a .glb)")
    cr.add_argument("--preset", choices=list(RIG_PRESETS), help="the rig's convention (default: detected)")
    cr.add_argument("--targets", choices=TARGET_MODES, default="auto", help="as animate's --targets")
    cr.add_argument("--json", action="store_true", help="the report as JSON")
    cr.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.formats.rig_check import check_rig, report_json, report_text

    check = check_rig(args.avatar, args.preset, args.targets)
    sys.stdout.write(report_json(check) + "\n" if args.json else report_text(check))
    return 0 if check.drives_mouth else 1
