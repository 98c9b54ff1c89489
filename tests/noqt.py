"""Import a whole package in a new Python that refuses Qt, for the "never imports Qt" tests.

The domain packages (content, sync, ...) run in the command line, on worker threads and on the
hub server, where no GUI exists (STYLE practice 1). The child interpreter refuses PySide6
outright, so an import hidden behind a try/except still shows up as a failure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_CHECK = """
import importlib, pkgutil, sys

package = sys.argv[1]

class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError(package + " imported " + name)
        return None

sys.meta_path.insert(0, NoQt())
top = importlib.import_module(package)
names = [m.name for m in pkgutil.walk_packages(top.__path__, package + ".")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6")))
assert not loaded, loaded
print(" ".join(names))
"""


def import_without_qt(package: str) -> list[str]:
    """Import `package` and every module below it with Qt refused; the modules' names.

    Fails the calling test with the child's traceback when any of them reaches for Qt."""
    result = subprocess.run([sys.executable, "-c", _CHECK, package], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()
