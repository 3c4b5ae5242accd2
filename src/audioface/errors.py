"""One exception type for everything a user can get wrong.

The CLI turns an :class:`AudioFaceError` into a one-line message and a non-zero
exit; anything else is a bug and keeps its traceback.
"""


class AudioFaceError(Exception):
    """A problem with the user's input or environment, explained in one line."""
