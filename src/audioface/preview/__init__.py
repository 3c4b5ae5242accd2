"""Watching the animation: a software renderer of the face, the curves panel, and MP4 or
contact-sheet output with the audio. No GPU or display needed."""
