"""Whisper on CTranslate2 without faster-whisper: log-mel features, greedy decoding of one window
into timed segments, and language detection.

faster-whisper needs PyAV (about 100 MB of FFmpeg libraries) and the Hugging Face hub client
(about 35 MB with ``tokenizers``), and AudioFace uses neither: its audio is already 16 kHz
samples, and Whisper's vocabulary ships as ``vocabulary.txt`` beside each model. Without them
the core install fits in 700 MB with both Whisper models (issue 33). What is kept from
faster-whisper is its decoding, token for token: the same features, the same prompt (start of
transcript, language, task), greedy decoding through ``ctranslate2.models.Whisper.generate``
with the same options, and the same rules for cutting a window's tokens into segments at its
timestamp tokens, with the same confidence figures; ``tests/test_whisper.py`` compares the two
where faster-whisper is installed (the ``test`` extra).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
HANN = np.hanning(N_FFT + 1)[:-1].astype(np.float32)  # periodic, as torch.hann_window
CHUNK_FRAMES = 3000  # 30 s: what the encoder hears at once
TIME_PRECISION = 0.02  # s per timestamp token
MAX_LENGTH = 448  # tokens per window, prompt included
MAX_INITIAL_TIMESTAMP = 1.0  # s: the first timestamp may not be later


@dataclass(frozen=True)
class Heard:
    """One segment of a window: seconds from the window's start, text and the window's figures."""

    start: float
    end: float
    text: str
    no_speech_prob: float
    avg_logprob: float
    compression_ratio: float


def mel_filters(n_mels: int, sr: int = SAMPLE_RATE, n_fft: int = N_FFT) -> np.ndarray:
    """Slaney-style mel filterbank (librosa's default, as Whisper was trained with)."""
    fft_freqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mels = np.linspace(0.0, 45.245640471924965, n_mels + 2)  # 0 Hz .. 8 kHz in Slaney mels
    freqs = 200.0 / 3 * mels
    log_region = mels >= 15.0  # 1 kHz: linear below, logarithmic above
    freqs[log_region] = 1000.0 * np.exp(np.log(6.4) / 27.0 * (mels[log_region] - 15.0))
    ramps = freqs[:, None] - fft_freqs[None, :]
    diff = np.diff(freqs)
    lower = -ramps[:-2] / diff[:-1, None]
    upper = ramps[2:] / diff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    return (weights * (2.0 / (freqs[2:] - freqs[:-2]))[:, None]).astype(np.float32)


def log_mel(samples: np.ndarray, filters: np.ndarray) -> np.ndarray:
    """(mels, frames + 1) log-mel features of 16 kHz ``samples``, as faster-whisper computes them
    (160 zeros appended, a centred STFT with reflected edges, the last frame dropped)."""
    x = np.pad(np.asarray(samples, np.float32), (0, HOP))
    x = np.pad(x, (N_FFT // 2, N_FFT // 2), mode="reflect")
    n = 1 + (len(x) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(x, (n, N_FFT), (HOP * x.strides[0], x.strides[0]))
    return scaled(log10_mel(frames[:-1], filters))


def log10_mel(frames: np.ndarray, filters: np.ndarray) -> np.ndarray:
    """(mels, n) log10 mel power of (n, N_FFT) frames of samples, each under a Hann window: a live
    stream computes its new frames alone (:mod:`audioface.language.recognize.whisper_live`)."""
    spectrum = np.fft.rfft(frames * HANN, axis=-1).astype(np.complex64)
    power = np.abs(spectrum.T) ** 2
    return np.log10(np.maximum(filters @ power, 1e-10))


def scaled(log_spec: np.ndarray) -> np.ndarray:
    """A window's log10 mel power as Whisper hears it: 80 dB below the window's loudest at most,
    then brought near [-1, 1]."""
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).astype(np.float32)


def encoder_frames(frames: int, min_frames: int | None) -> int:
    """How many frames the encoder hears for ``frames`` of audio: a whole 30 s window (None), or
    the audio's own, rounded up to a second, padded to at least ``min_frames``, at most 30 s."""
    if min_frames is None:
        return CHUNK_FRAMES
    return min(max(min_frames, -(-frames // 100) * 100), CHUNK_FRAMES)


def pad_or_trim(features: np.ndarray, frames: int = CHUNK_FRAMES) -> np.ndarray:
    """``features`` cut or zero-padded to ``frames`` frames (the encoder's 30 s)."""
    if features.shape[-1] >= frames:
        return features[..., :frames]
    return np.pad(features, [(0, 0)] * (features.ndim - 1) + [(0, frames - features.shape[-1])])


def encode_window(model, features: np.ndarray, min_frames: int | None) -> np.ndarray:
    """(frames at 50 Hz, width) encoder output of one window of Whisper log-mel ``features`` (at
    most 30 s), padded as the decoding pads it (:func:`encoder_frames`) and cut back to the
    features' own length: what the heads on the encoder learnt to read."""
    frames = features.shape[-1]
    out = np.asarray(model.encode(pad_or_trim(features, encoder_frames(frames, min_frames))))[0]
    return out[: max(1, (frames + 1) // 2)]


VOCABULARY_FILES = ("vocabulary.txt", "vocabulary.json", "tokenizer.json")


def vocabulary_tokens(readers: dict) -> list[str]:
    """Tokens by id from the first of :data:`VOCABULARY_FILES` a model has (name -> reader)."""
    if "vocabulary.txt" in readers:
        text = readers["vocabulary.txt"]("vocabulary.txt")
        return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")
    if "vocabulary.json" in readers:
        return list(json.loads(readers["vocabulary.json"]("vocabulary.json")))
    doc = json.loads(readers["tokenizer.json"]("tokenizer.json"))
    by_id = {i: t for t, i in doc["model"]["vocab"].items()} | {
        a["id"]: a["content"] for a in doc["added_tokens"]
    }
    return [by_id.get(i, "") for i in range(max(by_id) + 1)]


class Vocabulary:
    """Whisper's tokens by id, from the model's ``vocabulary.txt`` (byte-level BPE, as GPT-2's)."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        self.byte_of = {ch: b for b, ch in _bytes_to_unicode().items()}

    def id(self, token: str) -> int:
        return self.ids[token]

    def decode(self, ids: list[int]) -> str:
        """Text of ordinary tokens (timestamps and special tokens left out)."""
        eot = self.ids["<|endoftext|>"]
        raw = bytes(self.byte_of.get(ch, 32) for i in ids if i < eot for ch in self.tokens[i])
        return raw.decode("utf-8", errors="replace")


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's map from each byte to the printable character that stands for it in the vocabulary."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    keep += list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return chars


class WhisperRunner:
    """A CTranslate2 Whisper model with what decoding needs; answers as faster-whisper's
    ``WhisperModel`` does where AudioFace uses it (``feature_extractor``, ``encode``)."""

    def __init__(self, model, tokens: list[str], config: dict) -> None:
        self.model = model
        self.vocab = Vocabulary(tokens)
        self.n_mels = int(config.get("feature_size", 80))  # large-v3 says 128 in its preprocessor_config
        self.filters = mel_filters(self.n_mels)

    @classmethod
    def load(cls, path: str | Path, files: dict | None = None, threads: int = 2, workers: int = 2):
        """From a CTranslate2 folder, or from ``files`` (name -> bytes or file-like) in memory."""
        import ctranslate2

        names = files if files is not None else {f.name: f for f in Path(path).iterdir()}
        read = (lambda n: _text(files[n])) if files is not None else (lambda n: names[n].read_text("utf-8"))
        tokens = vocabulary_tokens({n: read for n in names if n in VOCABULARY_FILES})
        config = json.loads(read("preprocessor_config.json")) if "preprocessor_config.json" in names else {}
        model = ctranslate2.models.Whisper(
            str(path),
            device="cpu",
            compute_type="int8",
            intra_threads=threads,
            inter_threads=workers,
            files=files,
        )
        return cls(model, tokens, config)

    @property
    def is_multilingual(self) -> bool:
        return bool(self.model.is_multilingual)

    def feature_extractor(self, samples: np.ndarray) -> np.ndarray:
        return log_mel(samples, self.filters)

    def encode(self, features: np.ndarray):
        """The encoder's output (a CTranslate2 StorageView) for (mels, frames) ``features``."""
        import ctranslate2

        return self.model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None])))

    @cached_property
    def timestamp_begin(self) -> int:
        return self.vocab.id("<|notimestamps|>") + 1

    def prompt(self, language: str | None, previous: list[int] | None = None) -> list[int]:
        """Start of transcript, then language and task on a multilingual model; ``previous``
        (an initial prompt's tokens) before it, as faster-whisper builds it."""
        out = [self.vocab.id("<|startofprev|>"), *previous[-(MAX_LENGTH // 2 - 1) :]] if previous else []
        out.append(self.vocab.id("<|startoftranscript|>"))
        if self.is_multilingual:
            out += [self.vocab.id(f"<|{language or 'en'}|>"), self.vocab.id("<|transcribe|>")]
        return out

    def suppressed(self) -> list[int]:
        """faster-whisper's default: the model's non-speech tokens (-1) and the task tokens."""
        names = (
            "<|transcribe|>",
            "<|translate|>",
            "<|startoftranscript|>",
            "<|startofprev|>",
            "<|startoflm|>",
        )
        return [-1, *sorted(self.vocab.ids[n] for n in names if n in self.vocab.ids)]

    def detect_language(self, samples: np.ndarray) -> tuple[str, float]:
        """The most likely language of (at most the first 30 s of) ``samples``, and its probability."""
        probs = self.language_probabilities(samples)
        best = max(probs, key=probs.get)
        return best, probs[best]

    def language_probabilities(self, samples: np.ndarray, min_frames: int | None = None) -> dict[str, float]:
        """Each language's probability in (at most the first 30 s of) ``samples``. ``min_frames``:
        the encoder hears only the audio's frames, padded to at least this many, instead of a whole
        30 s window (six times less work on 5 s; the decoder would then invent text, but the
        language token holds up: see :mod:`audioface.language.recognize.whisper_language`)."""
        features = self.feature_extractor(samples[: 30 * SAMPLE_RATE])[:, :-1]
        found = self.model.detect_language(
            self.encode(pad_or_trim(features, encoder_frames(features.shape[-1], min_frames)))
        )[0]
        return {token[2:-2]: float(p) for token, p in found}

    def transcribe(self, samples: np.ndarray, language: str | None, previous: list[int] | None = None,
                   min_frames: int | None = None) -> list[Heard]:  # fmt: skip
        """Segments of ``samples``, 30 s at a time, each window decoded greedily on its own.
        ``min_frames``: as :meth:`language_probabilities` takes it (None: faster-whisper's whole
        30 s window; a shorter one leaves the decoder less to hear, see ``whisper.ENGLISH_FRAMES``)."""
        features = self.feature_extractor(samples)[:, :-1]
        out: list[Heard] = []
        for first in range(0, max(features.shape[-1], 1), CHUNK_FRAMES):
            part = features[:, first : first + CHUNK_FRAMES]
            offset = first * HOP / SAMPLE_RATE
            for h in self._window(part, language, previous, min_frames):
                out.append(Heard(h.start + offset, h.end + offset, h.text, h.no_speech_prob, h.avg_logprob,
                                 h.compression_ratio))  # fmt: skip
        return out

    def _window(self, features: np.ndarray, language: str | None, previous: list[int] | None,
                min_frames: int | None = None) -> list[Heard]:  # fmt: skip
        prompt = self.prompt(language, previous)
        encoded = self.encode(pad_or_trim(features, encoder_frames(features.shape[-1], min_frames)))
        result = self.model.generate(
            encoded, [prompt], beam_size=1, patience=1, length_penalty=1,
            repetition_penalty=1, no_repeat_ngram_size=0, max_length=MAX_LENGTH, return_scores=True,
            return_no_speech_prob=True, suppress_blank=True, suppress_tokens=self.suppressed(),
            max_initial_timestamp_index=int(round(MAX_INITIAL_TIMESTAMP / TIME_PRECISION)),
        )[0]  # fmt: skip
        tokens = list(result.sequences_ids[0])
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        text = self.vocab.decode(tokens).strip()
        ratio = _compression_ratio(text)
        duration = features.shape[-1] * HOP / SAMPLE_RATE
        return [
            Heard(a, b, self.vocab.decode(piece), float(result.no_speech_prob), float(avg_logprob), ratio)
            for a, b, piece in split_at_timestamps(tokens, self.timestamp_begin, duration)
        ]


def split_at_timestamps(
    tokens: list[int], begin: int, duration: float
) -> list[tuple[float, float, list[int]]]:
    """(start, end, tokens) of each segment of one window's tokens, cut where two timestamp tokens
    follow each other (faster-whisper's rule; without such a pair the window is one segment)."""
    single_ending = len(tokens) >= 2 and tokens[-2] < begin <= tokens[-1]
    cuts = [i for i in range(1, len(tokens)) if tokens[i] >= begin and tokens[i - 1] >= begin]
    if cuts:
        if single_ending:
            cuts.append(len(tokens))
        out, last = [], 0
        for cut in cuts:
            piece = tokens[last:cut]
            out.append(((piece[0] - begin) * TIME_PRECISION, (piece[-1] - begin) * TIME_PRECISION, piece))
            last = cut
        return out
    stamps = [t for t in tokens if t >= begin]
    if stamps and stamps[-1] != begin:
        duration = (stamps[-1] - begin) * TIME_PRECISION
    return [(0.0, duration, tokens)] if tokens else []


def _compression_ratio(text: str) -> float:
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0


def _text(content) -> str:
    raw = content if isinstance(content, bytes | bytearray) else content.read()
    return bytes(raw).decode("utf-8")
