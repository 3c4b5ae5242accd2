"""Viterbi forced alignment of a word sequence over per-frame phone scores.

The transcript becomes a left-to-right graph: optional silence before, between
and after the words, each word one chain per pronunciation (alternatives in
parallel), each phone ``MIN_FRAMES`` states so no phone is shorter than that.
One pass of the Viterbi recursion over the frames finds the best path; the
graph's states are few (a handful per phone), so the recursion is a short loop
of vectorised gathers. A piece whose edges may hold a few extra words (the
long-audio piece cutter's margins) lets the path start at any of the first
``free_head + 1`` words and end after any of the last ``free_tail + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_FRAMES = 3  # 30 ms, the shortest phone pocketsphinx's three-state models allow
FRAME = 0.01

AlignedPhone = tuple[str, float, float]
AlignedWord = tuple[str, float, float, list[AlignedPhone], float]  # ..., mean log posterior per frame


@dataclass(frozen=True)
class Graph:
    cls: np.ndarray  # (S,) phone class each state emits
    word: np.ndarray  # (S,) word index, -1 for silence
    phone: np.ndarray  # (S,) index of the phone within its word's chosen pronunciation, -1 for silence
    preds: np.ndarray  # (S, P) predecessor states, padded with -1 (the slot after the last: never reached)
    initial: np.ndarray  # state indices a path may start in
    final: np.ndarray  # state indices a path may end in


class GraphBuilder:
    """The graph built word by word: words added later only append states (so a live
    aligner's scores for the states it has keep their places). Predecessor rows are padded
    with -1, which indexes the never-reached slot after the last state."""

    def __init__(self, index: dict[str, int], min_frames: int = MIN_FRAMES):
        self.index, self.min_frames = index, min_frames
        self.cls: list[int] = []
        self.word: list[int] = []
        self.phone: list[int] = []
        self.preds: list[list[int]] = []
        self.sils: list[int] = []
        self.entries: list[list[int]] = []
        self.exits: list[list[int]] = []
        self._arrays: tuple[np.ndarray, ...] | None = None
        self._sil(prev_exits=[])

    def _add(self, c: int, w: int, p: int, pr: list[int]) -> int:
        self.cls.append(c), self.word.append(w), self.phone.append(p), self.preds.append(pr)
        return len(self.cls) - 1

    def _sil(self, prev_exits: list[int]) -> None:
        sil = self._add(self.index["sil"], -1, -1, [])
        self.preds[sil] += [sil, *prev_exits]
        self.sils.append(sil)

    def add_words(self, variants: list[list[tuple[str, ...]]]) -> None:
        """Words (each its pronunciations, stress-free phone names) after those already added."""
        for pronunciations in variants:
            w, sil = len(self.entries), self.sils[-1]
            prev_exits = self.exits[-1] if self.exits else []
            word_entries, word_exits = [], []
            for pron in pronunciations:
                last = None
                for k, ph in enumerate(pron):
                    c = self.index.get(ph, self.index["AH"])
                    for j in range(self.min_frames):
                        first = j == 0 and k == 0
                        s = self._add(c, w, k, [*prev_exits, sil] if first else [last])
                        if first:
                            word_entries.append(s)
                        last = s
                    self.preds[last].append(last)  # the phone's last state loops
                word_exits.append(last)
            self.entries.append(word_entries)
            self.exits.append(word_exits)
            self._sil(word_exits)
        self._arrays = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(cls, word, phone, preds) as arrays; only states added since the last call are converted."""
        have = 0 if self._arrays is None else len(self._arrays[0])
        old = self._arrays
        if old is not None and have == len(self.cls):
            return old
        width = max(len(p) for p in self.preds[have:])
        if old is not None and width > old[3].shape[1]:  # wider rows: pad the old ones too
            old = (*old[:3], np.pad(old[3], ((0, 0), (0, width - old[3].shape[1])), constant_values=-1))
        width = max(width, old[3].shape[1] if old is not None else 0)
        table = np.full((len(self.cls) - have, width), -1, np.int64)
        for r, pr in enumerate(self.preds[have:]):
            table[r, : len(pr)] = pr
        new = (np.array(self.cls[have:], np.int64), np.array(self.word[have:], np.int64),
               np.array(self.phone[have:], np.int64), table)  # fmt: skip
        self._arrays = (
            new if old is None else tuple(np.concatenate([a, b]) for a, b in zip(old, new, strict=True))
        )
        return self._arrays

    def graph(self, free_head: int = 0, free_tail: int = 0) -> Graph:
        n = len(self.entries)
        initial = [self.sils[k] for k in range(min(free_head, n - 1) + 1)]
        initial += [e for k in range(min(free_head, n - 1) + 1) for e in self.entries[k]]
        lo = max(0, n - 1 - free_tail)
        final = [self.sils[k + 1] for k in range(lo, n)] + [x for k in range(lo, n) for x in self.exits[k]]
        return Graph(*self.arrays(), np.array(initial, np.int64), np.array(final, np.int64))


def build_graph(
    variants: list[list[tuple[str, ...]]],
    index: dict[str, int],
    free_head: int = 0,
    free_tail: int = 0,
    min_frames: int = MIN_FRAMES,
) -> Graph:
    """The alignment graph of words given as their pronunciations (stress-free phone names)."""
    builder = GraphBuilder(index, min_frames)
    builder.add_words(variants)
    return builder.graph(free_head, free_tail)


def step(delta: np.ndarray, preds: np.ndarray, emit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One frame of the recursion, for the states whose predecessor rows are ``preds`` (padded
    with -1, the never-reached last slot of ``delta``): each one's best predecessor score plus
    ``emit``, and which column of its row that predecessor was. Whole files, the live aligner
    and the live phone loop all advance with it."""
    cand = delta[preds]
    pick = cand.argmax(axis=1)
    return cand[np.arange(len(preds)), pick] + emit, pick


def viterbi(scores: np.ndarray, graph: Graph) -> np.ndarray:
    """Best state per frame, or RuntimeError when no path fits the frames."""
    n_frames, size = len(scores), len(graph.cls)
    emit = scores[:, graph.cls]  # (T, S)
    delta = np.full(size + 1, -np.inf)
    delta[graph.initial] = emit[0, graph.initial]
    back = np.empty((n_frames, size), np.int8)
    for t in range(1, n_frames):
        delta[:size], back[t] = step(delta, graph.preds, emit[t])
    end = graph.final[int(np.argmax(delta[graph.final]))]
    if not np.isfinite(delta[end]):
        raise RuntimeError("the words do not fit in the audio")
    path = np.empty(n_frames, np.int64)
    path[-1] = end
    for t in range(n_frames - 1, 0, -1):
        path[t - 1] = graph.preds[path[t], back[t, path[t]]]
    return path


def align(
    log_post: np.ndarray,
    scores: np.ndarray,
    words: list[str],
    variants: list[list[tuple[str, ...]]],
    index: dict[str, int],
    free_head: int = 0,
    free_tail: int = 0,
    min_frames: int = MIN_FRAMES,
) -> tuple[list[AlignedWord], tuple[int, int]]:
    """Words aligned over frames: (aligned words, (first, end) indices of the words the path used).

    ``scores`` decide the path (scaled likelihoods); ``log_post`` (posteriors) give each word
    its mean log posterior per frame, a confidence comparable across recordings.
    """
    if not words:
        return [], (0, 0)
    graph = build_graph(variants, index, free_head, free_tail, min_frames)
    path = viterbi(scores, graph)
    names = list(index)
    out: list[AlignedWord] = []
    frames = np.arange(len(path))
    w_of = graph.word[path]
    used = np.unique(w_of[w_of >= 0])
    for w in used:
        sel = frames[w_of == w]
        starts = sel[np.diff(graph.phone[path[sel]], prepend=-1) != 0]  # a new phone of the chain
        bounds = [*starts, sel[-1] + 1]
        phones = [
            (names[graph.cls[path[a]]], a * FRAME, b * FRAME)
            for a, b in zip(bounds, bounds[1:], strict=False)
        ]
        conf = float(log_post[sel, graph.cls[path[sel]]].mean())
        out.append((words[w], sel[0] * FRAME, (sel[-1] + 1) * FRAME, phones, conf))
    return out, (int(used[0]), int(used[-1]) + 1)
