"""``audioface serve``: the library as a local service (REST and WebSocket), a thin shell over
:func:`audioface.animate` and :class:`audioface.StreamAnimator`. Needs the ``serve`` extra."""

from audioface.serve.settings import ServeSettings

__all__ = ["ServeSettings"]
