"""The learned generator: a causal dilated convolution stack with a fixed look-ahead.

Every convolution sees only the past, and the output for frame t is read
``lookahead`` frames later, so the model's whole future context is that
look-ahead. This one shape serves all variants: the transcript model (a long
look-ahead, phone cues in), the audio-only model (cues zeroed) and the live
one (a look-ahead under 100 ms). The forward pass carries the convolution
history as an explicit state, so a stream fed in chunks computes exactly what
one pass over the whole file computes, and the ONNX export has the same
signature for both.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from audioface.arkit import N_SHAPES
from audioface.audio.mel import N_MELS
from audioface.language.meaning import SENTENCE_DIM
from audioface.motion.learned.cues import N_CUES

N_OUT = N_SHAPES


@dataclass
class ModelConfig:
    hidden: int = 128
    kernel: int = 3
    dilations: list[int] = field(default_factory=lambda: [1, 2, 4, 8, 16, 1, 2, 4, 8, 16])
    lookahead: int = 30  # frames of 10 ms
    phones: bool = True  # takes phone cues
    # frames by which the cues lag the audio (cues.delayed): a live aligner settles a phone only
    # after hearing past it, so a live model is told the phone of its output frame, not of the
    # newest audio; 0: offline cues, in step with the audio
    cue_delay: int = 0
    sentence: bool = False  # takes a sentence embedding of the transcript
    n_mels: int = N_MELS

    @property
    def state_frames(self) -> int:
        return sum((self.kernel - 1) * d for d in self.dilations)

    def to_dict(self) -> dict:
        return asdict(self)


class Block(nn.Module):
    """Pre-norm residual block: per-frame layer norm (causal), dilated conv, GELU, 1x1 mix."""

    def __init__(self, channels: int, kernel: int, dilation: int):
        super().__init__()
        self.context = (kernel - 1) * dilation
        self.norm = nn.LayerNorm(channels)
        self.conv = nn.Conv1d(channels, channels, kernel, dilation=dilation)
        self.mix = nn.Conv1d(channels, channels, 1)
        self.act = nn.GELU()

    def forward(self, x: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (B, C, T); state: (B, C, context), the normalised inputs before x."""
        full = torch.cat([state, self.norm(x.transpose(1, 2)).transpose(1, 2)], dim=2)
        y = self.mix(self.act(self.conv(full)))
        return x + y, full[:, :, full.shape[2] - self.context :]


class MouthNet(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        inputs = config.n_mels + (N_CUES if config.phones else 0)
        self.register_buffer("mel_mean", torch.zeros(config.n_mels))
        self.register_buffer("mel_std", torch.ones(config.n_mels))
        self.proj = nn.Conv1d(inputs, config.hidden, 1)
        self.sentence = nn.Linear(SENTENCE_DIM, config.hidden) if config.sentence else None
        self.blocks = nn.ModuleList(Block(config.hidden, config.kernel, d) for d in config.dilations)
        self.norm = nn.LayerNorm(config.hidden)
        self.out = nn.Conv1d(config.hidden, N_OUT, 1)
        nn.init.constant_(self.out.bias, -3.0)  # most channels rest near zero most of the time

    def initial_state(self, batch: int = 1) -> torch.Tensor:
        return torch.zeros(batch, self.config.hidden, self.config.state_frames)

    def forward(
        self,
        mel: torch.Tensor,
        cues: torch.Tensor | None,
        sentence: torch.Tensor | None,
        state: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """mel (B, T, n_mels), cues (B, T, N_CUES), sentence (B, SENTENCE_DIM), state (B, C, S)
        -> weights (B, T, 52) in [0, 1] and the next state. Output frame t belongs to
        input frame t - lookahead."""
        y, state, _ = self.hidden(mel, cues, sentence, state)
        return y, state

    def hidden(
        self,
        mel: torch.Tensor,
        cues: torch.Tensor | None,
        sentence: torch.Tensor | None,
        state: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """:meth:`forward` and the last hidden layer (B, C, T) the weights are read from, which
        a training loss may also ask to tell the phones apart (never exported)."""
        x = (mel - self.mel_mean) / self.mel_std
        if self.config.phones:
            x = torch.cat([x, cues], dim=2)
        h = self.proj(x.transpose(1, 2))
        if self.sentence is not None:
            h = h + self.sentence(sentence)[:, :, None]
        states, at = [], 0
        for block in self.blocks:
            h, s = block(h, state[:, :, at : at + block.context])
            states.append(s)
            at += block.context
        h = self.norm(h.transpose(1, 2)).transpose(1, 2)
        y = torch.sigmoid(self.out(h)).transpose(1, 2)
        return y, torch.cat(states, dim=2), h


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
