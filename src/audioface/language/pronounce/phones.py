"""A pronunciation as the rest of the stage reads it: phones that each carry ARPAbet and IPA.

ARPAbet (with its stress digit) is what the English aligner and the mouth targets take today;
the IPA is what the phone came from, kept for the phone track and ``--phones-out``. Any IPA
becomes phones through :func:`audioface.ipa.to_arpabet_phones` (the features' nearest phones).
"""

from __future__ import annotations

from typing import NamedTuple

from audioface import ipa


class PronPhone(NamedTuple):
    """One phone of a pronunciation: ``arpabet`` with stress on vowels ("AA1"), and its ``ipa``."""

    arpabet: str
    ipa: str


Pronunciation = tuple[PronPhone, ...]


def from_arpabet(labels: tuple[str, ...] | list[str]) -> Pronunciation:
    """CMUdict-style labels -> phones carrying their IPA (AH0 is a schwa, AH1 a wedge)."""
    return tuple(PronPhone(label, ipa.arpabet_ipa(label)) for label in labels)


def from_ipa(text: str) -> Pronunciation:
    """IPA -> phones: each segment its nearest ARPAbet phone(s); a segment English spells with
    two phones (t͡s, œ͡y) gives two, each with the IPA of its own part."""
    out: list[PronPhone] = []
    for seg in ipa.segments(text, strict=False):
        phones = ipa.to_arpabet_phones(seg)
        if len(phones) == 1:
            out.append(PronPhone(phones[0], seg.symbol))
            continue
        parts = seg.symbol.split(ipa.TIES[0], 1)
        parts = parts if len(parts) == len(phones) else [seg.symbol] * len(phones)
        out.extend(PronPhone(phone, part) for phone, part in zip(phones, parts, strict=True))
    return tuple(out)
