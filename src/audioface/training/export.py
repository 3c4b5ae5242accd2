"""ONNX export: the trained model as one file that onnxruntime runs without torch.

The file carries its own description (model config, frame rate, look-ahead)
as ONNX metadata, so ``--generator PATH`` needs nothing beside it.
"""

from __future__ import annotations

import io
import json
import os
import warnings
from pathlib import Path

import onnx
import torch

from audioface.audio.mel import FRAME_RATE
from audioface.formats.atomic import write_atomic
from audioface.motion.learned.cues import N_CUES
from audioface.training.model import SENTENCE_DIM, MouthNet

META_KEY = "audioface"


def export_onnx(model: MouthNet, path: str | os.PathLike, info: dict | None = None) -> Path:
    config = model.config
    model = model.eval()
    frames = 2 * config.lookahead + 8
    mel = torch.zeros(1, frames, config.n_mels)
    cues = torch.zeros(1, frames, N_CUES) if config.phones else None
    sentence = torch.zeros(1, SENTENCE_DIM) if config.sentence else None
    names = ["mel", *(["cues"] if config.phones else []), *(["sentence"] if config.sentence else []), "state"]
    dynamic = {"mel": {1: "frames"}, "weights": {1: "frames"}}
    if config.phones:
        dynamic["cues"] = {1: "frames"}

    class Wrapper(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, *args):
            it = iter(args)
            m = next(it)
            c = next(it) if config.phones else None
            s = next(it) if config.sentence else None
            return self.model(m, c, s, next(it))

    args = tuple(a for a in (mel, cues, sentence, model.initial_state()) if a is not None)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Wrapper(), args, buffer, input_names=names, output_names=["weights", "state_out"],
            dynamic_axes=dynamic, dynamo=False, opset_version=17,
        )  # fmt: skip
    proto = onnx.load_from_string(buffer.getvalue())
    meta = {"config": config.to_dict(), "frame_rate": FRAME_RATE, "format": 1, **(info or {})}
    entry = proto.metadata_props.add()
    entry.key, entry.value = META_KEY, json.dumps(meta)
    write_atomic(path, proto.SerializeToString())
    return Path(path)
