"""AudioFace: speech in, ARKit-52 facial animation out, guided by the phonemes spoken.

>>> import audioface
>>> anim = audioface.animate("hello.wav", text="Hello there")
>>> audioface.save(anim, "hello.csv")          # Live Link Face CSV
"""

from audioface.animation import Animation
from audioface.api import StreamRun, animate, animate_stream
from audioface.arkit import NAMES as ARKIT_NAMES
from audioface.errors import AudioFaceError
from audioface.formats import load_animation, save, save_phones
from audioface.streaming import StreamAnimator

__version__ = "0.1.0"
__all__ = [
    "ARKIT_NAMES", "Animation", "AudioFaceError", "StreamAnimator", "StreamRun", "animate", "animate_stream",
    "load_animation", "save", "save_phones", "__version__",
]  # fmt: skip
