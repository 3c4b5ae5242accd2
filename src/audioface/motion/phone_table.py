"""The articulatory table as a user's file: ``audioface phone-table --dump`` writes it as TOML,
``--phone-table FILE.toml`` reads any subset of it back over the shipped one.

One TOML table per phone, named by its ARPAbet symbol (``[AA]``, ``[sil]`` for silence), one key
per parameter (named after what it moves: ``jaw`` opens the jaw, ``seal`` seals the lips, ...)
plus ``lip_dominance`` and ``jaw_dominance``. A file may name any phones and any keys: the rest
stay as shipped, so the dump read back changes nothing. Every value is a number from 0 to 1, and
every mistake is one line that names the phone and the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from audioface.errors import AudioFaceError
from audioface.motion import targets

DOMINANCE_KEYS = ("lip_dominance", "jaw_dominance")
KEYS = (*targets.PARAMS, *DOMINANCE_KEYS)


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
    rows = {phone: (dict(values), lips, jaw) for phone, (values, lips, jaw) in base.rows.items()}
    for phone, keys in doc.items():
        if phone in targets.DIPHTHONGS:
            a, b, _ = targets.DIPHTHONGS[phone]
            raise AudioFaceError(f"{where}: {phone} is a diphthong; set its two halves, [{a}] and [{b}]",
                                 "phone_table")  # fmt: skip
        if phone not in rows:
            raise AudioFaceError(f"{where}: unknown phone [{phone}]; phones are ARPAbet symbols "
                                 f"({', '.join(rows)})", "phone_table")  # fmt: skip
        if not isinstance(keys, dict):
            raise AudioFaceError(f"{where}: {phone} must be a table ([{phone}] with keys under it)",
                                 "phone_table")  # fmt: skip
        values, lips, jaw = rows[phone]
        for key, value in keys.items():
            if key not in KEYS:
                raise AudioFaceError(f"{where}: [{phone}] has an unknown key {key!r}; keys are "
                                     f"{', '.join(KEYS)}", "phone_table")  # fmt: skip
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise AudioFaceError(f"{where}: [{phone}] {key} must be a number from 0 to 1, got {value!r}",
                                     "phone_table")  # fmt: skip
            if key == "lip_dominance":
                lips = float(value)
            elif key == "jaw_dominance":
                jaw = float(value)
            else:
                values[key] = float(value)
        rows[phone] = (values, lips, jaw)
    return targets.PhoneTable(rows)
