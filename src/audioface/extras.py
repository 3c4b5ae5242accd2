"""Optional parts of the install (the extras in pyproject.toml), and the one-line error when a
command needs one that is missing.

The core install animates, with and without a transcript. The preview's renderer (Numba and
its LLVM, an ffmpeg binary: about 380 MB) and the evaluation report's plots (matplotlib) are
extras that most users never need; a command that needs one checks here first, so that it stops
with the ``pip install`` that brings it instead of an ImportError's traceback.
"""

from __future__ import annotations

import importlib.util

from audioface.errors import AudioFaceError

# extra -> the modules it brings that AudioFace imports
MODULES: dict[str, tuple[str, ...]] = {
    "preview": ("numba", "PIL", "imageio_ffmpeg"),
    "report": ("matplotlib",),
    "train": ("torch", "onnx", "scipy"),
}


def missing(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be imported here."""
    return [m for m in MODULES[extra] if _absent(m)]


def _absent(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except (ImportError, ValueError):  # a module blocked or broken in sys.modules
        return True


def install_hint(extra: str) -> str:
    return f"pip install 'audioface[{extra}]'"


def require(extra: str, what: str) -> None:
    """Raise an :class:`AudioFaceError` naming the ``pip install`` for ``extra`` if any of its
    modules is missing; ``what`` says what needs it ("audioface preview")."""
    gone = missing(extra)
    if gone:
        raise AudioFaceError(
            f"{what} needs the {extra} extra ({', '.join(gone)} not installed): {install_hint(extra)}"
        )
