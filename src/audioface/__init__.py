"""AudioFace: speech in, ARKit-52 facial animation out, guided by the phonemes spoken.

>>> import audioface
>>> anim = audioface.animate("hello.wav", text="Hello there")
>>> anim.save("hello.csv")          # Live Link Face CSV
"""

from audioface.animation import Animation
from audioface.api import animate
from audioface.arkit import NAMES as ARKIT_NAMES
from audioface.errors import AudioFaceError
from audioface.streaming import StreamAnimator

__version__ = "0.1.0"
__all__ = ["ARKIT_NAMES", "Animation", "AudioFaceError", "StreamAnimator", "animate", "__version__"]
