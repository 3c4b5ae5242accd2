"""One exception type for everything a user can get wrong.

The CLI turns an :class:`AudioFaceError` into a one-line message and a non-zero
exit; anything else is a bug and keeps its traceback. The library names the
setting at fault by its Python name (``setting``), never by a command-line flag:
the CLI, which knows its flags, adds the one to change.
"""


class AudioFaceError(Exception):
    """A problem with the user's input or environment, explained in one line."""

    def __init__(self, message: str, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting  # the API parameter at fault ("fps", "max_duration", ...), if one is

    def __reduce__(self):
        # raised in a worker process and raised again in the caller: the setting must survive
        return type(self), (str(self), self.setting)
