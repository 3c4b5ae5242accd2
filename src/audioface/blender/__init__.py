"""The Blender add-on, shipped inside the package: :func:`write_addon` zips it for Blender.

The add-on's source is package data under ``addon/`` and runs only inside Blender (it imports
``bpy``); nothing else in AudioFace imports it. Inside Blender it runs the installed ``audioface``
command, so Blender's own Python never needs AudioFace's dependencies.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

ADDON = Path(__file__).parent / "addon"
MODULE = "audioface_blender"  # the add-on's module name inside Blender (not "audioface": no clash)
FILES = ("__init__.py", "core.py", "job.py", "keys.py", "operator.py", "ui.py", "blender_manifest.toml")


def write_addon(path: str | os.PathLike) -> Path:
    """Write the installable add-on zip to ``path``: one folder, ``audioface_blender/``, that
    Blender 3.4+ installs as an add-on (its ``bl_info``) and 4.2+ also as an extension (its
    ``blender_manifest.toml``). Files are stored with a fixed date, so the zip is the same
    bytes for the same source."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in FILES:
            info = zipfile.ZipInfo(f"{MODULE}/{name}", date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, (ADDON / name).read_bytes())
    os.replace(tmp, path)
    return path


__all__ = ["ADDON", "FILES", "MODULE", "write_addon"]
