"""`python -m kiosk` is the same as the `kiosk` command; it is also the frozen app's entry point.

`freeze_support()` comes first: in the PyInstaller build the TTS worker (started with the spawn
method) is the kiosk executable itself, run with `--multiprocessing-fork`, and must turn into
the worker here, before the command line is parsed. Outside a frozen build it does nothing.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()

    from kiosk.cli import main

    sys.exit(main())
