"""Package attributes imported on first use (PEP 562), shared by packages that re-export.

Importing a package for one small module (the journal, the device list) must not pull in
everything it re-exports: that slowed the app's start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], object], list]:
    """A module ``__getattr__`` resolving ``exports`` (name -> module), and ``__all__``."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__, sorted(exports)
