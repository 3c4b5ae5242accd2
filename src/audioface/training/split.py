"""Which items a run learns from and which it keeps out to be scored."""

from __future__ import annotations

import random

from audioface.evaluate.corpus import Item


def split(items: list[Item], share: float, seed: int) -> tuple[list[Item], list[Item]]:
    """(train, held out): a seeded shuffle by speaker where the corpus names speakers (so
    no voice is on both sides), by item otherwise (each synthetic item is its own group)."""
    groups: dict[str, list[Item]] = {}
    for it in sorted(items, key=lambda it: it.name):
        groups.setdefault(f"speaker:{it.speaker}" if it.speaker else f"item:{it.name}", []).append(it)
    held: set[str] = set()
    for kind in ("item:", "speaker:"):  # each kind split on its own: real speakers stay fixed
        keys = sorted(k for k in groups if k.startswith(kind))
        random.Random(seed).shuffle(keys)
        k = int(round(len(keys) * share)) if len(keys) > 1 else 0
        held.update(keys[:k])
    train_items = [it for key, its in groups.items() if key not in held for it in its]
    held_out = [it for key, its in groups.items() if key in held for it in its]
    return train_items, held_out
