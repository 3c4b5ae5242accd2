"""``audioface train``: train or fine-tune the learned generator (needs PyTorch)."""

from __future__ import annotations

import argparse
import sys

from audioface.errors import AudioFaceError

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


def add_parser(sub) -> None:
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
    tr.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
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
