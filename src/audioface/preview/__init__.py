"""Watching the animation: a software renderer of the face, the curves panel, and MP4 or
contact-sheet output with the audio. No GPU or display needed."""

from audioface.extras import require

# the renderer needs the preview extra: say so in one line where it is imported, not with a traceback
require("preview", "the preview")
