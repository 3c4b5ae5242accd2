"""The articulatory table as a user's file: ``audioface phone-table --dump`` writes it as TOML,
``--phone-table FILE.toml`` reads any subset of it back over the shipped one.

One TOML table per phone, named by its ARPAbet symbol (``[AA]``, ``[sil]`` for silence) or by one
IPA segment (``[y]``, ``["ɔ̃"]``: keys over the shape derived for it, reaching only where it is
spoken; a bare symbol reaches its long and nasal variants too unless they are named), one key
per parameter (named after what it moves: ``jaw`` opens the jaw, ``seal`` seals the lips, ...)
plus ``lip_dominance`` and ``jaw_dominance``. A file may name any phones and any keys: the rest
stay as shipped, so the dump read back changes nothing. Every value is a number from 0 to 1, and
every mistake is one line that names the phone and the key.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from audioface import ipa
from audioface.errors import AudioFaceError
from audioface.motion import articulation, targets

DOMINANCE_KEYS = ("lip_dominance", "jaw_dominance")
KEYS = (*targets.PARAMS, *DOMINANCE_KEYS)
SEGMENT_EXAMPLE = (
    "# A table may also name one IPA segment of any language, quoted where it is not a plain letter;",
    "# its keys go over the shape derived for it from its features (docs/phone-table.md lists them),",
    "# and change the mouth only where that segment is spoken. For a rounder French or German y:",
    "# [y]",
    "# pucker = 0.8",
    '# ["ɔ̃"]',
    "# jaw = 0.4",
)


def dump_table(table: targets.PhoneTable = targets.SHIPPED) -> str:
    """The whole table as TOML, every key written out (a starting point for editing)."""
    lines = [
        "# AudioFace's articulatory table: edit any phone and key, delete the rest, and animate with",
        "#   audioface animate speech.wav --text-file speech.txt --phone-table this.toml -o out.csv",
        f"# Keys: {', '.join(KEYS)}; every value from 0 to 1 (docs/phone-table.md says what each moves).",
        "# Diphthongs glide between two of these rows: "
        + ", ".join(f"{d} = {a} + {b}" for d, (a, b, _) in targets.DIPHTHONGS.items()) + ".",
    ]  # fmt: skip
    for phone, (values, lips, jaw) in table.rows.items():
        lines += ["", f"[{phone}]"]
        lines += [f"{name} = {float(values.get(name, 0.0))!r}" for name in targets.PARAMS]
        lines += [f"lip_dominance = {float(lips)!r}", f"jaw_dominance = {float(jaw)!r}"]
    lines += ["", *SEGMENT_EXAMPLE]
    for symbol, (values, lips, jaw) in table.segments.items():
        lines += ["", f"[{json.dumps(symbol, ensure_ascii=False)}]"]
        lines += [f"{name} = {float(value)!r}" for name, value in values.items()]
        dominance = zip(DOMINANCE_KEYS, (lips, jaw), strict=True)
        lines += [f"{key} = {float(v)!r}" for key, v in dominance if v is not None]
    return "\n".join(lines) + "\n"


def load_table(path: str | Path, base: targets.PhoneTable = targets.SHIPPED) -> targets.PhoneTable:
    """``base`` with the phones and keys a TOML file sets; an :class:`AudioFaceError` naming
    the phone and key for anything it cannot use."""
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AudioFaceError(f"phone table not found: {path}", "phone_table") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AudioFaceError(f"phone table {path} is not valid TOML: {exc}", "phone_table") from None
    return apply_overrides(doc, base, str(path))


def apply_overrides(doc: dict, base: targets.PhoneTable, where: str = "phone table") -> targets.PhoneTable:
    """``base`` with a parsed TOML document's rows laid over it: an ARPAbet name sets that row,
    an IPA segment (``[y]``, ``["ɔ̃"]``) sets keys over the shape derived for that segment."""
    rows = {phone: (dict(values), lips, jaw) for phone, (values, lips, jaw) in base.rows.items()}
    segs = {sym: (dict(values), lips, jaw) for sym, (values, lips, jaw) in base.segments.items()}
    for name, keys in doc.items():
        if name in targets.DIPHTHONGS:
            a, b, _ = targets.DIPHTHONGS[name]
            raise AudioFaceError(f"{where}: {name} is a diphthong; set its two halves, [{a}] and [{b}]",
                                 "phone_table")  # fmt: skip
        symbol = None if name in rows else _segment_name(name, rows, where)
        if not isinstance(keys, dict):
            raise AudioFaceError(f"{where}: {name} must be a table ([{name}] with keys under it)",
                                 "phone_table")  # fmt: skip
        values, lips, jaw = rows[name] if symbol is None else segs.get(symbol, ({}, None, None))
        for key, value in keys.items():
            _check(name, key, value, where)
            if key == "lip_dominance":
                lips = float(value)
            elif key == "jaw_dominance":
                jaw = float(value)
            else:
                values[key] = float(value)
        if symbol is None:
            rows[name] = (values, lips, jaw)
        else:
            segs[symbol] = (values, lips, jaw)
    return targets.PhoneTable(rows, segs)


def _segment_name(name: str, rows: dict, where: str) -> str:
    """A table name that is not an ARPAbet row read as one IPA segment: its normalised symbol."""
    try:
        found = ipa.segments(name)
    except AudioFaceError as exc:
        known = ", ".join(rows)
        raise AudioFaceError(f"{where}: unknown phone [{name}]; phones are ARPAbet symbols ({known}) "
                             f"or IPA segments, and {exc}", "phone_table") from None  # fmt: skip
    if len(found) != 1:
        raise AudioFaceError(f"{where}: [{name}] is {len(found)} IPA segments; name one (an affricate or "
                             "a double articulation tied: t͡s, k͡p)", "phone_table")  # fmt: skip
    seg = found[0]
    if seg.offglide is not None:
        first, second = articulation.glide_parts(seg.symbol) or ("", "")
        raise AudioFaceError(f"{where}: [{name}] is a diphthong; set its two halves, [{first}] and "
                             f"[{second}]", "phone_table")  # fmt: skip
    return seg.symbol


def _check(name: str, key: str, value: object, where: str) -> None:
    if key not in KEYS:
        raise AudioFaceError(f"{where}: [{name}] has an unknown key {key!r}; keys are "
                             f"{', '.join(KEYS)}", "phone_table")  # fmt: skip
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise AudioFaceError(f"{where}: [{name}] {key} must be a number from 0 to 1, got {value!r}",
                             "phone_table")  # fmt: skip
