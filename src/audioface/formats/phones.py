"""Timed phones in files: ours written as JSON or a Praat TextGrid, and reference phones read
from the files people have.

Reading takes ``.phones.json`` (list of {"phone", "start", "end"}), Praat
``.TextGrid`` (long or short text format; the phone tier is found by name),
ESPS/xlabel ``.lab`` (end times) and HTK ``.lab`` (start and end in 100 ns units).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from audioface.errors import AudioFaceError
from audioface.formats.phonesets import IPA_SETS, to_reference
from audioface.phones import VOWELS
from audioface.track import PhoneTrack, RefPhone


def to_phones_json(track: PhoneTrack) -> str:
    return json.dumps(track.to_dict(), indent=1) + "\n"


def ipa_labels(track: PhoneTrack) -> list[dict]:
    """The track's phones as IPA labels for a ``.phones.json`` read back with ``--phoneset ipa``:
    a vowel carries its stress (ˈ, ˌ, or none for 0), so the file marks stress everywhere and an
    unstressed ɐ/ʌ is not an open vowel (metrics.md); ARPAbet where nothing names the IPA."""
    from audioface.formats.phonesets import label_segment

    out = []
    for p in track.phones():
        label = p.ipa or p.phone
        if p.ipa and p.stress in (1, 2) and label[0] not in "ˈˌ":
            seg = label_segment(label)
            if seg is not None and seg.is_vowel:
                label = ("ˈ" if p.stress == 1 else "ˌ") + label
        out.append({"phone": label, "start": round(p.start, 4), "end": round(p.end, 4)})
    return out


def to_textgrid(track: PhoneTrack) -> str:
    """Long-format TextGrid with a "words", a "phones" (ARPAbet) and an "ipa" tier; gaps become
    empty intervals."""
    words = [(w.start, w.end, w.word) for w in track.words]
    phones = [
        (
            p.start,
            p.end,
            "" if p.phone == "sil" else p.phone + ("" if p.stress is None else str(p.stress)),
        )
        for p in track.phones()
    ]
    ipa = [(p.start, p.end, p.ipa) for p in track.phones() if p.phone != "sil"]
    tiers = [("words", _fill(words, track.duration)), ("phones", _fill(phones, track.duration)),
             ("ipa", _fill(ipa, track.duration))]  # fmt: skip
    out = [
        'File type = "ooTextFile"',
        'Object class = "TextGrid"',
        "",
        "xmin = 0",
        f"xmax = {track.duration}",
        "tiers? <exists>",
        f"size = {len(tiers)}",
        "item []:",
    ]
    for i, (name, intervals) in enumerate(tiers, 1):
        out += [
            f"    item [{i}]:",
            '        class = "IntervalTier"',
            f'        name = "{name}"',
            "        xmin = 0",
            f"        xmax = {track.duration}",
            f"        intervals: size = {len(intervals)}",
        ]
        for k, (a, b, label) in enumerate(intervals, 1):
            text = label.replace('"', '""')
            out += [
                f"        intervals [{k}]:",
                f"            xmin = {a:.4f}",
                f"            xmax = {b:.4f}",
                f'            text = "{text}"',
            ]
    return "\n".join(out) + "\n"


def _fill(items: list[tuple[float, float, str]], duration: float) -> list[tuple[float, float, str]]:
    out, t = [], 0.0
    for a, b, label in items:
        a = max(a, t)
        if a > t + 1e-6:
            out.append((t, a, ""))
        if b > a:
            out.append((a, b, label))
            t = b
    if duration > t + 1e-6 or not out:
        out.append((t, max(duration, t), ""))
    return out


PHONE_TIER_NAMES = ("phones", "phone", "phonetic", "phoneme", "phonemes", "segments", "segment", "mau")


def read_phones(path: str | Path, phoneset: str = "auto") -> list[RefPhone]:
    """Timed reference phones in ARPAbet, from any supported file; an IPA or X-SAMPA label keeps
    its IPA too (``RefPhone.ipa``). Asked for IPA or X-SAMPA, a TextGrid's tier named "ipa" is
    read before its "phones" tier (our own TextGrids carry both)."""
    path = Path(path)
    name = path.name.lower()
    try:
        if name.endswith(".json"):
            raw = _phones_json(path)
        elif name.endswith(".textgrid"):
            raw = _phones_textgrid(
                path, ("ipa", *PHONE_TIER_NAMES) if phoneset in IPA_SETS else PHONE_TIER_NAMES
            )
        elif name.endswith(".lab"):
            raw = _phones_lab(path)
        else:
            raise AudioFaceError(f"unknown phone file type: {path}")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise AudioFaceError(f"cannot read phones from {path}: {exc}") from None
    labels = to_reference([r[0] for r in raw], phoneset, str(path))
    return _merge(
        [
            replace(RefPhone.from_label(lab, a, b), ipa=ipa)
            for (lab, ipa), (_, a, b) in zip(labels, raw, strict=True)
        ]
    )


def _merge(phones: list[RefPhone]) -> list[RefPhone]:
    """Join touching identical labels (TIMIT "bcl b", split silences) into one phone."""
    out: list[RefPhone] = []
    for ph in sorted(phones, key=lambda p: p.start):
        if ph.end <= ph.start:
            continue
        same = out and (out[-1].phone, out[-1].ipa) == (ph.phone, ph.ipa) and ph.phone not in VOWELS
        if same and abs(out[-1].end - ph.start) < 1e-6:
            prev = out.pop()
            stress = prev.stress if prev.stress is not None else ph.stress
            ph = RefPhone(ph.phone, prev.start, ph.end, stress, ph.ipa)
        out.append(ph)
    return out


def _phones_json(path: Path) -> list[tuple[str, float, float]]:
    doc = json.loads(path.read_text())
    items = doc["phones"] if isinstance(doc, dict) else doc
    return [(str(p["phone"]), float(p["start"]), float(p["end"])) for p in items]


def _phones_lab(path: Path) -> list[tuple[str, float, float]]:
    lines = path.read_text(errors="replace").splitlines()
    if any(line.strip() == "#" for line in lines):  # ESPS/xlabel: header, '#', then "end colour label"
        body = lines[[line.strip() for line in lines].index("#") + 1 :]
        out, prev = [], 0.0
        for line in body:
            parts = line.split(None, 2)
            if len(parts) < 2:
                continue
            end = float(parts[0])
            out.append((parts[2].strip() if len(parts) == 3 else "", prev, end))
            prev = end
        return out
    out = []
    for line in lines:  # HTK: "start end label", 100 ns units
        parts = line.split()
        if len(parts) >= 3:
            out.append((parts[2], int(parts[0]) * 1e-7, int(parts[1]) * 1e-7))
    return out


def _phones_textgrid(path: Path, wanted_names: tuple[str, ...]) -> list[tuple[str, float, float]]:
    tiers = read_textgrid(path)
    if not tiers:
        raise ValueError("no interval tier")
    by_name = {name.lower(): ivs for name, ivs in tiers}
    for wanted in wanted_names:
        if wanted in by_name:
            return by_name[wanted]
    return max((ivs for _, ivs in tiers), key=len)


def read_textgrid(path: str | Path) -> list[tuple[str, list[tuple[str, float, float]]]]:
    """Interval tiers of a TextGrid (long or short text format) as (name, [(label, start, end)])."""
    text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    if "\x00" in text:
        text = Path(path).read_bytes().decode("utf-16")
    text = re.sub(r"\[\d*\]", "", text)
    tokens = re.findall(r'"((?:[^"]|"")*)"|(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|(<exists>)', text)
    values: list[str | float] = []
    for string, number, flag in tokens:
        if flag:
            continue
        values.append(string.replace('""', '"') if number == "" else float(number))
    # header: "ooTextFile" "TextGrid" xmin xmax size
    pos = 5
    n_tiers = int(values[4])
    tiers = []
    for _ in range(n_tiers):
        kind, name = values[pos], values[pos + 1]
        count = int(values[pos + 4])
        pos += 5
        if kind == "IntervalTier":
            ivs = [
                (str(values[pos + 3 * k + 2]), float(values[pos + 3 * k]), float(values[pos + 3 * k + 1]))
                for k in range(count)
            ]
            pos += 3 * count
            tiers.append((str(name), ivs))
        else:  # TextTier: points (time, mark)
            pos += 2 * count
    return tiers
