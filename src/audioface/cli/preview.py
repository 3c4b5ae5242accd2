"""``audioface preview``: the animation rendered on a 3D face, as an MP4 with the sound or a PNG
contact sheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audioface.cli.options import (
    add_face_options,
    add_generator_option,
    add_language_options,
    add_run_options,
    face_options,
    read_text,
    recognizer,
)
from audioface.errors import AudioFaceError
from audioface.motion.generators import resolve
from audioface.progress import progress_bar

PREVIEW_EXAMPLES = """\
examples:
  audioface preview speech.wav --text-file speech.txt -o speech.mp4
  audioface preview speech.wav --text-file speech.txt --panel -o speech.mp4     # curves and phones beside
  audioface preview speech.wav --text-file speech.txt --side-by-side notext -o compare.mp4
  audioface preview speech.wav --side-by-side rhubarb.json -o compare.mp4      # against another tool's track
  audioface preview speech.wav --text-file speech.txt --format png --times 0.5,1.2,2.0 -o sheet.png
"""


def add_parser(sub) -> None:
    pv = sub.add_parser(
        "preview",
        help="render the animation on a 3D face as an MP4 with the audio (or a PNG contact sheet)",
        description="Render the animation on AudioFace's own 3D face, in software (no GPU or display), "
        "with the audio muxed in (H.264 + AAC), or as a PNG contact sheet of chosen times.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=PREVIEW_EXAMPLES,
    )
    pv.add_argument("audio", help="speech recording: WAV, FLAC, OGG or MP3")
    pv.add_argument("-o", "--output", help="output file (default: AUDIO's name with .mp4 or .png, here)")
    add_language_options(pv)
    pv.add_argument(
        "--format", choices=("mp4", "png"), help="mp4 (default) or png; default from -o's extension"
    )
    pv.add_argument("--fps", type=float, default=30.0, help="video frame rate (default 30)")
    pv.add_argument("--size", type=int, default=640, help="face image size in pixels (default 640)")
    pv.add_argument(
        "--panel", action="store_true", help="add the mouth curves and phone track under a playhead"
    )
    pv.add_argument(
        "--side-by-side",
        metavar="notext|FILE",
        help="a second face beside: 'notext' (this audio without the transcript) or another animation "
        "(our .json, a Live Link or ARKit .csv, or Rhubarb .json/.tsv/.xml)",
    )
    pv.add_argument("--times", help="png: comma-separated times in seconds (default: 8 evenly spaced)")
    pv.add_argument("--mesh", help="render your avatar (.glb with ARKit-named morph targets) instead of ours")
    add_generator_option(pv)
    add_face_options(pv)
    add_run_options(pv)
    pv.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.extras import require

    require("preview", "audioface preview")  # before the language stage's work, not after it
    from audioface.api import animate
    from audioface.audio import load_audio
    from audioface.formats import load_animation
    from audioface.parallel import aside

    fmt = args.format or (Path(args.output).suffix.lower().lstrip(".") if args.output else "mp4")
    if fmt not in ("mp4", "png"):
        raise AudioFaceError(f"preview writes .mp4 or .png, not {fmt!r}")
    output = args.output or Path(args.audio).with_suffix(f".{fmt}").name
    if not 1 <= args.fps <= 120:
        raise AudioFaceError("--fps for the preview must be between 1 and 120")
    text = read_text(args)
    face = face_options(args)
    if args.mesh and not Path(args.mesh).is_file():
        raise AudioFaceError(f"avatar not found: {args.mesh}")
    spec = resolve(args.generator)
    rec = recognizer(args, text, spec, preload=False)  # the language stage runs in a forked process
    sound = load_audio(args.audio, max_duration=args.max_duration * 60.0)

    def animations() -> list:
        def run(words: str | None):
            return animate(sound, words, language=args.language, fps=args.fps, asr=rec, aligner=args.aligner,
                           jobs=args.jobs, face=face, generator=spec)  # fmt: skip

        return [run(text)] + ([run(None)] if args.side_by_side == "notext" else [])

    # the language stage computes in a forked process while this one imports and warms the
    # renderer: forked first, as the renderer's compiler (numba, which imports scipy) takes
    # about half a second to import
    with aside(animations) as pending:
        from audioface.preview.render import Scene
        from audioface.preview.video import contact_sheet, prepare, write_preview

        scene = Scene.from_avatar(args.mesh) if args.mesh else Scene()
        prepare(scene)
        anims = pending.result()
    labels = ["with transcript" if text else "recognised"]
    if args.side_by_side:
        if args.side_by_side != "notext":
            anims.append(load_animation(args.side_by_side))
        labels.append("without transcript" if args.side_by_side == "notext" else Path(args.side_by_side).name)
    if fmt == "png":
        times = _times(args.times, sound.duration)
        contact_sheet(anims, times, output, size=min(args.size, 400), labels=labels, scene=scene)
    else:
        bar = progress_bar(args.quiet, "rendering", "part")
        try:
            write_preview(anims, sound.samples, sound.sample_rate, output, args.fps, args.size, args.panel,
                          labels, args.jobs, bar.update if bar else None, scene)  # fmt: skip
        finally:
            if bar:
                bar.close()
    if not args.quiet:
        print(f"audioface: wrote {output} ({sound.duration:.1f} s)", file=sys.stderr)
    return 0


def _times(spec: str | None, duration: float) -> list[float]:
    if not spec:
        return [round(duration * (k + 0.5) / 8, 2) for k in range(8)]
    try:
        times = [float(t) for t in spec.split(",") if t.strip()]
    except ValueError:
        raise AudioFaceError(f"--times must be seconds separated by commas, got {spec!r}") from None
    if not times or any(t < 0 or t > duration for t in times):
        raise AudioFaceError(f"--times must lie between 0 and the audio's {duration:.2f} s")
    return times
