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
    preds: np.ndarray  # (S, P) predecessor states, padded with S (a state that is never reached)
    initial: np.ndarray  # state indices a path may start in
    final: np.ndarray  # state indices a path may end in


def build_graph(
    variants: list[list[tuple[str, ...]]],
    index: dict[str, int],
    free_head: int = 0,
    free_tail: int = 0,
    min_frames: int = MIN_FRAMES,
) -> Graph:
    """The alignment graph of words given as their pronunciations (stress-free phone names)."""
    n = len(variants)
    cls: list[int] = []
    word: list[int] = []
    phone: list[int] = []
    preds: list[list[int]] = []
    sil_idx = index["sil"]

    def add(c: int, w: int, p: int, pr: list[int]) -> int:
        cls.append(c), word.append(w), phone.append(p), preds.append(pr)
        return len(cls) - 1

    sils: list[int] = []
    entries: list[list[int]] = []
    exits: list[list[int]] = []
    prev_exits: list[int] = []
    for w in range(n + 1):
        sil = add(sil_idx, -1, -1, [])
        preds[sil] += [sil, *prev_exits]
        sils.append(sil)
        if w == n:
            break
        word_entries, word_exits = [], []
        for pron in variants[w]:
            last = None
            for k, ph in enumerate(pron):
                c = index.get(ph, index["AH"])
                for j in range(min_frames):
                    s = add(c, w, k, [*prev_exits, sil] if j == 0 and k == 0 else [last])
                    if j == 0 and k == 0:
                        word_entries.append(s)
                    last = s
                preds[last].append(last)  # the phone's last state loops
            word_exits.append(last)
        entries.append(word_entries)
        exits.append(word_exits)
        prev_exits = word_exits
    size = len(cls)
    width = max(len(p) for p in preds)
    table = np.full((size, width), size, np.int64)
    for s, p in enumerate(preds):
        table[s, : len(p)] = p
    initial = [sils[k] for k in range(min(free_head, n - 1) + 1)]
    initial += [e for k in range(min(free_head, n - 1) + 1) for e in entries[k]]
    lo = max(0, n - 1 - free_tail)
    final = [sils[k + 1] for k in range(lo, n)] + [x for k in range(lo, n) for x in exits[k]]
    return Graph(
        np.array(cls), np.array(word), np.array(phone), table, np.array(initial), np.array(final)
    )  # fmt: skip


def viterbi(scores: np.ndarray, graph: Graph) -> np.ndarray:
    """Best state per frame, or RuntimeError when no path fits the frames."""
    n_frames, size = len(scores), len(graph.cls)
    emit = scores[:, graph.cls]  # (T, S)
    delta = np.full(size + 1, -np.inf)
    delta[graph.initial] = emit[0, graph.initial]
    back = np.empty((n_frames, size), np.int8)
    rows = np.arange(size)
    for t in range(1, n_frames):
        cand = delta[graph.preds]
        best = cand.argmax(axis=1)
        back[t] = best
        delta[:size] = cand[rows, best] + emit[t]
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
) -> tuple[list[AlignedWord], tuple[int, int]]:
    """Words aligned over frames: (aligned words, (first, end) indices of the words the path used).

    ``scores`` decide the path (scaled likelihoods); ``log_post`` (posteriors) give each word
    its mean log posterior per frame, a confidence comparable across recordings.
    """
    if not words:
        return [], (0, 0)
    graph = build_graph(variants, index, free_head, free_tail)
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
