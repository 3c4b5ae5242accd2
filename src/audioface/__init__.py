"""AudioFace: speech in, ARKit-52 facial animation out, guided by the phonemes spoken.

>>> import audioface
>>> anim = audioface.animate("hello.wav", text="Hello there")
>>> audioface.save(anim, "hello.csv")          # Live Link Face CSV

The names below are loaded on first use (PEP 562), so that ``import audioface`` and the
``audioface`` command's parser cost little: the command can start loading Whisper while the
pipeline's modules import (a 5 s line's whole run is about a second).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audioface.lazy import lazy_names

__version__ = "0.1.0"
_EXPORTS = {
    "ARKIT_NAMES": ("audioface.arkit", "NAMES"),
    "Animation": ("audioface.animation", "Animation"),
    "AudioFaceError": ("audioface.errors", "AudioFaceError"),
    "StreamAnimator": ("audioface.streaming", "StreamAnimator"),
    "StreamRun": ("audioface.api", "StreamRun"),
    "animate": ("audioface.api", "animate"),
    "animate_stream": ("audioface.api", "animate_stream"),
    "load_animation": ("audioface.formats", "load_animation"),
    "save": ("audioface.formats", "save"),
    "save_phones": ("audioface.formats", "save_phones"),
}
__all__ = [
    "ARKIT_NAMES",
    "Animation",
    "AudioFaceError",
    "StreamAnimator",
    "StreamRun",
    "animate",
    "animate_stream",
    "load_animation",
    "save",
    "save_phones",
    "__version__",
]

if TYPE_CHECKING:
    from audioface.animation import Animation
    from audioface.api import StreamRun, animate, animate_stream
    from audioface.arkit import NAMES as ARKIT_NAMES
    from audioface.errors import AudioFaceError
    from audioface.formats import load_animation, save, save_phones
    from audioface.streaming import StreamAnimator


__getattr__, __dir__ = lazy_names(__name__, _EXPORTS)
