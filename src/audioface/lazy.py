"""Names a package loads on first use (PEP 562): ``import audioface`` stays cheap, so the
command can start loading Whisper while the pipeline imports (:mod:`audioface.cli.warm`)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module


def lazy_names(package: str, names: dict[str, tuple[str, str]]) -> tuple[Callable, Callable]:
    """The package's ``__getattr__`` and ``__dir__`` for ``names`` (name -> (module, attribute)):
    each is imported when first asked for, then kept in the package like any other name."""

    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = names[name]
        value = getattr(import_module(module), attribute)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *names})

    return __getattr__, __dir__
