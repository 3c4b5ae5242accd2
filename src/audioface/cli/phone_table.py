"""``audioface phone-table``: the articulatory table written as TOML, or a table file checked."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub) -> None:
    pt = sub.add_parser(
        "phone-table",
        help="write the articulatory table as TOML, or check a table file",
        description="The articulatory table (phone -> mouth targets) that both generators use. "
        "--dump writes the shipped table to standard output as a starting point for "
        '--phone-table FILE.toml (whose tables may also name single IPA segments, [y] or ["ɔ̃"]); '
        "--check FILE validates a table file.",
    )
    what = pt.add_mutually_exclusive_group(required=True)
    what.add_argument("--dump", action="store_true", help="write the shipped table to standard output")
    what.add_argument("--check", metavar="FILE.toml", help="check a table file, naming any bad phone or key")
    pt.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.motion.phone_table import dump_table, load_table

    if args.dump:
        sys.stdout.write(dump_table())
        return 0
    table = load_table(args.check)
    extra = f" and {len(table.segments)} IPA segments" if table.segments else ""
    print(f"{args.check}: a valid phone table ({len(table.rows)} phones{extra})")
    return 0
