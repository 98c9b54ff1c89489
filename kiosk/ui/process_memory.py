"""Process memory tuning for `kiosk run` (DESIGN §10: under 120 MB resident while a lesson plays).

PySide6 checks every module imported after it for the word "PySide6", to know whether its
`__feature__` switches apply there (shibokensupport.feature, PYSIDE-2029). It does so with
`inspect.getsource()`, which goes through `linecache`: every line of every imported module,
standard library included, then stays in memory for the life of the process (about 13 MB in
the kiosk, measured with tracemalloc: the single largest item in its Python heap).
`stop_source_caching()` gives PySide the same answer from the file's bytes, which leaves
nothing behind, and empties `linecache` of what was read before (a traceback reads its lines
again when it needs them). Where PySide has no such check (another version, a frozen build
without sources) it changes nothing. Nothing else in the kiosk needs the cache.
"""

from __future__ import annotations

import linecache
import logging
import sys
from types import ModuleType

log = logging.getLogger(__name__)

PYSIDE_FEATURE_MODULE = "shibokensupport.feature"
PYSIDE_CHECK = "_mod_uses_pyside"


def stop_source_caching() -> bool:
    """Make PySide's per-import check read source files without caching them; True if done.

    Call it once PySide6 is imported (before the bulk of the kiosk's imports, e.g. at the
    start of `kiosk run`); calling it again does nothing.
    """
    feature = sys.modules.get(PYSIDE_FEATURE_MODULE)
    original = getattr(feature, PYSIDE_CHECK, None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "reads_bytes", False):
        return True

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))  # built-in or compiled: PySide's own answer
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return False  # as PySide answers for a module without a readable source

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    setattr(feature, PYSIDE_CHECK, uses_pyside)
    linecache.clearcache()
    log.debug("PySide's import check no longer fills linecache")
    return True
