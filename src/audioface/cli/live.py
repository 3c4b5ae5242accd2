"""``audioface live``: a recording's frames played in real time to Live Link or VMC receivers."""

from __future__ import annotations

import argparse
import sys

from audioface.cli.options import (
    add_face_options,
    add_generator_option,
    add_language_options,
    add_run_options,
    face_options,
    read_text,
    recognizer,
)
from audioface.live.vmc import NAME_MAPS as VMC_NAME_MAPS
from audioface.motion.generators import resolve
from audioface.progress import progress_bar

LIVE_EXAMPLES = """\
examples:
  audioface live speech.wav --text-file speech.txt --livelink 127.0.0.1:11111   # to Unreal's Live Link
  audioface live speech.wav --vmc 127.0.0.1:39539 --vmc-names vowels            # to a VMC receiver
  audioface live speech.wav --livelink 10.0.0.5 --subject Hero --realtime off

In Unreal: Window > Live Link > Source > Live Link Face source; the subject appears by its name.
"""


def add_parser(sub) -> None:
    lv = sub.add_parser(
        "live",
        help="play the animation live to Unreal (Live Link Face UDP) or a VTuber app (VMC over OSC)",
        description="Animate a recording, then send its frames at the animation's frame rate, in real "
        "time, as Live Link Face UDP packets and/or VMC protocol OSC messages.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=LIVE_EXAMPLES,
    )
    lv.add_argument("audio", help="speech recording: WAV, FLAC, OGG or MP3")
    lv.add_argument(
        "--livelink", metavar="HOST[:PORT]", help="Live Link Face receiver (port 11111 by default)"
    )
    lv.add_argument("--vmc", metavar="HOST[:PORT]", help="VMC receiver (port 39539 by default)")
    lv.add_argument("--subject", default="AudioFace", help="Live Link subject name (default AudioFace)")
    lv.add_argument(
        "--vmc-names",
        choices=VMC_NAME_MAPS,
        default=VMC_NAME_MAPS[0],
        help="VMC blend shape names: the 52 ARKit names (default), vowels (VRM 0.x A I U E O and blinks), "
        "or any rig preset (see check-rig --help)",
    )
    lv.add_argument(
        "--realtime",
        choices=("on", "off"),
        default="on",
        help="on: one frame per 1/fps of wall-clock time (default); off: as fast as possible",
    )
    add_language_options(lv)
    lv.add_argument("--fps", type=float, default=60.0, help="frames per second (default 60)")
    add_generator_option(lv)
    add_face_options(lv)
    add_run_options(lv)
    lv.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.api import animate
    from audioface.live import play, receivers

    receivers(args.livelink, args.vmc)  # fail on a missing or bad address before the work
    text = read_text(args)
    face = face_options(args)
    spec = resolve(args.generator)
    rec = recognizer(args, text, spec)
    anim = animate(args.audio, text, language=args.language, fps=args.fps, asr=rec, aligner=args.aligner,
                   jobs=args.jobs, face=face, generator=spec,
                   max_duration=args.max_duration * 60.0)  # fmt: skip
    if not args.quiet:
        where = " and ".join(f"{k} {v}" for k, v in (("Live Link", args.livelink), ("VMC", args.vmc)) if v)
        print(f"audioface: playing {anim.n_frames} frames at {anim.fps:g} fps to {where}", file=sys.stderr)
    bar = progress_bar(args.quiet, "playing", "frame")
    try:
        play(anim, args.livelink, args.vmc, subject=args.subject, vmc_names=args.vmc_names,
             realtime=args.realtime == "on", progress=bar.update if bar else None)  # fmt: skip
    finally:
        if bar:
            bar.close()
    return 0
