"""``audioface animate``: one recording to one animation file, the main job."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audioface.cli.options import (
    add_face_options,
    add_generator_option,
    add_language_options,
    add_output_options,
    add_run_options,
    face_options,
    output_options,
    read_text,
    recognizer,
)
from audioface.errors import AudioFaceError
from audioface.motion.generators import live, resolve
from audioface.progress import progress_bar

EXAMPLES = """\
examples:
  audioface animate speech.wav --text "Peter bought a muffin." -o speech.csv
  audioface animate speech.mp3 --text-file speech.txt -o speech.json --phones-out speech.TextGrid
  audioface animate speech.wav -o speech.tsv                 # no transcript: words are recognised
  audioface animate parole.wav --text-file parole.txt --language fr -o parole.csv   # 'audioface languages'
  audioface animate speech.wav --asr phonetic --format ovr -o visemes.csv
  audioface animate speech.wav --format rhubarb-json -o cues.json
  audioface animate speech.wav --text-file speech.txt --emotion happy --no-head -o happy.csv

output formats (from --format, else the extension of -o):
  livelink      .csv   Live Link Face CSV (ARKit 52 + head/eye rotations), the default
  json          .json  names, fps, frames and the timed words and phones
  rhubarb-tsv   .tsv   Rhubarb Lip Sync mouth cues; also rhubarb-json, rhubarb-xml, rhubarb-dat (.xml, .dat)
  ovr                  Oculus/Meta 15-viseme weights per frame (CSV)
  vrm                  VRM 5-viseme (aa ih ou ee oh) weights per frame (CSV)
  rig-csv              one column per target of --rig (arkit, livelink, metahuman, vrm0, vrm1, rpm, meta)
  glb, gltf     .glb   morph-target animation on AudioFace's own face, or baked onto --mesh AVATAR.glb
                       (any rig preset: check one with 'audioface check-rig AVATAR.glb')
"""


def add_parser(sub) -> None:
    anim = sub.add_parser(
        "animate",
        help="animate a face from a speech recording",
        description="Animate a face from a speech recording (WAV, FLAC, OGG or MP3).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    anim.add_argument("audio", help="speech recording: WAV, FLAC, OGG or MP3, any rate and channels")
    anim.add_argument("-o", "--output", help="output file (default: AUDIO's name with .csv, here)")
    add_language_options(anim)
    anim.add_argument("--fps", type=float, default=60.0, help="frames per second (default 60)")
    anim.add_argument("-f", "--format", help="output format (see below); default from the extension")
    anim.add_argument("--phones-out", help="also write the timed words and phones (.json or .TextGrid)")
    add_output_options(anim)
    add_generator_option(anim)
    anim.add_argument(
        "--stream",
        action="store_true",
        help="simulate live use: feed the audio in chunks to the causal stream model (or to the model "
        "of --generator PATH) and report the look-ahead and speed; with --text/--text-file the words "
        "are aligned as the audio arrives (as a voice agent sends its TTS text) and the mouth follows them",
    )
    anim.add_argument("--chunk-ms", type=float, default=20.0, help="--stream: chunk length, ms (default 20)")
    add_face_options(anim)
    add_run_options(anim)
    anim.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from audioface.api import animate
    from audioface.formats import resolve_format, save, save_phones

    output = args.output or Path(args.audio).with_suffix(".csv").name
    fmt = resolve_format(output, args.format)  # fail on a bad format before the work
    options = output_options(args)
    if args.jobs is not None and args.jobs < 1:
        raise AudioFaceError("--jobs must be at least 1")
    text = read_text(args)
    face = face_options(args)
    if args.stream:
        spec = live(args.generator)  # fails on a missing model before any work
        anim = _stream(args, face, spec, text)
    else:
        spec = resolve(args.generator)
        rec = recognizer(args, text, spec)
        bar = progress_bar(args.quiet, "aligning", "piece")
        try:
            anim = animate(
                args.audio,
                text,
                fps=args.fps,
                asr=rec,
                aligner=args.aligner,
                language=args.language,
                jobs=args.jobs,
                max_duration=args.max_duration * 60.0,
                progress=bar.update if bar else None,
                face=face,
                generator=spec,
            )
        finally:
            if bar:
                bar.close()
    save(anim, output, fmt, **options)
    if args.phones_out:
        save_phones(anim, args.phones_out)
    if not args.quiet:
        held = "told" if text is not None else "heard"
        _report(anim, output, text is not None, spec, live=held if args.stream else None)
    return 0


def _stream(args: argparse.Namespace, face, spec, text: str | None):
    """The file through the live path (the library's), and what a live user would measure;
    a transcript is the text a voice agent would send ahead of its audio."""
    from audioface.api import animate_stream

    run = animate_stream(args.audio, fps=args.fps, chunk_ms=args.chunk_ms, text=text, language=args.language,
                         max_duration=args.max_duration * 60.0, face=face, generator=spec)  # fmt: skip
    if not args.quiet:
        print(f"audioface: streamed {run.animation.duration:.1f} s in {run.chunk}-sample chunks: look-ahead "
              f"{run.latency * 1000:.1f} ms, compute {run.compute:.3f} x real time",
              file=sys.stderr)  # fmt: skip
    return run.animation


def _report(anim, output: str, had_text: bool, spec, live: str | None = None) -> None:
    """``live``: streamed, its frames held to the words "told" or to the phones "heard"."""
    words = anim.track.words
    estimated = sum(not w.aligned for w in words)
    if live == "told":
        what = "the stream generator, held to the words' phones as they were aligned live"
    elif live == "heard":
        what = "the stream generator, held to the phones heard live"
    elif spec.audio_only:
        what = spec.describe()
    elif anim.track.source == "phonetic":
        what = "the phones heard, no words"
    else:
        what = f"{len(words)} word{'' if len(words) == 1 else 's'} from {anim.track.source}"
    print(f"audioface: wrote {output} ({anim.n_frames} frames at {anim.fps:g} fps, {what})", file=sys.stderr)
    if not words and not spec.audio_only:
        print("audioface: no speech found: the face stays at rest", file=sys.stderr)
    elif had_text and estimated > 0.3 * len(words):
        print(
            f"audioface: warning: {estimated} of {len(words)} words could not be aligned and "
            "were spread over the speech: does the transcript match the audio?",
            file=sys.stderr,
        )
