"""Training configuration: one TOML file says everything a run does.

A run is reproducible from its config alone: the synthetic data's seed, the
split's seed and the training seed are all in it, and the run folder keeps a
copy of it next to the checkpoints.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from pathlib import Path

from audioface.errors import AudioFaceError
from audioface.training.augment import AugmentConfig
from audioface.training.model import ModelConfig


@dataclass
class DataConfig:
    synthetic_per_voice: int = 0  # two-sentence items per installed voice; 0: none
    synthetic_seed: int = 0
    corpora: list[str] = field(default_factory=list)  # corpus folders: captures, recordings
    augment_copies: int = 2
    holdout: float = 0.1  # share of items kept out of training and scored at the end
    use_text: bool = True  # align transcripts into phone cues where items have them
    work: str = ""  # folder for the synthetic corpus and prepared examples; "": the run folder.
    # Runs with the same data and augmentation settings can share one and prepare it once.
    # folders of examples prepared elsewhere (.npz, training.data.Example), all trained on, none
    # held out: a fine-tune's extra material (training/multilingual_mouth.py makes one)
    prepared: list[str] = field(default_factory=list)


@dataclass
class TrainConfig:
    epochs: int = 30
    segment_frames: int = 400
    batch: int = 16
    lr: float = 2e-3
    weight_decay: float = 1e-4
    phone_dropout: float = 0.3  # share of batches that see no phone cues
    velocity_weight: float = 1.0
    closure_weight: float = 0.0  # extra loss weight on frames where the target lips seal
    freq_mask: int = 0  # hide up to this many adjacent mel bands per segment (0: off)
    spectral_tilt: float = 0.0  # tilt the spectrum by up to this many log units end to end (0: off)
    phone_loss: float = 0.0  # weight of an auxiliary loss: name each frame's aligned phone (0: off)
    threads: int = 2
    init: str = ""  # weights to start from: "learned", "stream" or a .pt path; "" for random
    # an init that hears audio alone starts hearing phone cues too, this many frames late as a
    # live aligner settles them (ModelConfig.cue_delay); -1: the init's own inputs
    add_cues: int = -1
    # cues remade as the live aligner settles them from each example's audio (training/live_cues.py),
    # for a live model: it then learns how far live cues can be trusted
    live_cues: bool = False


@dataclass
class RunConfig:
    name: str = "model"
    seed: int = 0
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)

    def to_toml(self) -> str:
        lines = [f"name = {_toml_value(self.name)}", f"seed = {self.seed}"]
        for section in ("data", "model", "train", "augment"):
            lines += ["", f"[{section}]"]
            for key, value in asdict(getattr(self, section)).items():
                lines.append(f"{key} = {_toml_value(value)}")
        return "\n".join(lines) + "\n"


def work_dir(cfg: RunConfig, run_dir: Path) -> Path:
    """Where a run keeps its synthetic corpus (``data/``) and prepared examples (``cache/``)."""
    return Path(cfg.data.work) if cfg.data.work else run_dir


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):  # a JSON string is a valid TOML basic string: quotes, backslashes escaped
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def _section(cls, values: dict, where: str):
    known = {f.name: f for f in fields(cls)}
    unknown = set(values) - set(known)
    if unknown:
        raise AudioFaceError(f"unknown setting(s) in [{where}]: {', '.join(sorted(unknown))}")
    out = {}
    for key, value in values.items():
        default = getattr(cls(), key)
        out[key] = tuple(value) if isinstance(default, tuple) else value
    return cls(**out)


def shipped_recipe(name: str) -> Path:
    """The recipe file shipped beside the models: ``learned``, ``stream`` or ``fine-tune``."""
    path = Path(str(resources.files("audioface") / "models" / f"{name}.toml"))
    if not path.is_file():
        raise AudioFaceError(f"no shipped recipe named {name!r}: {path}")
    return path


def load_config(path: str | Path | None = None, text: str | None = None) -> RunConfig:
    """A RunConfig from a TOML file (or text); settings left out keep their defaults."""
    try:
        raw = tomllib.loads(text if text is not None else Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AudioFaceError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise AudioFaceError(f"config {path} is not valid TOML: {exc}") from None
    extra = set(raw) - {"name", "seed", "data", "model", "train", "augment"}
    if extra:
        raise AudioFaceError(f"unknown setting(s) in config: {', '.join(sorted(extra))}")
    return RunConfig(
        name=str(raw.get("name", "model")),
        seed=int(raw.get("seed", 0)),
        data=_section(DataConfig, raw.get("data", {}), "data"),
        model=_section(ModelConfig, raw.get("model", {}), "model"),
        train=_section(TrainConfig, raw.get("train", {}), "train"),
        augment=_section(AugmentConfig, raw.get("augment", {}), "augment"),
    )
