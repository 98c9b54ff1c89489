"""`kiosk pin reset`: forget the technician PIN, for a technician who lost it.

Whoever can type commands on the kiosk's computer may do this (the PIN guards the screen, not
the machine); the technician screen then asks for a new PIN the next time it opens.
"""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    from kiosk.cli import _common

    pin = sub.add_parser("pin", help="the technician screen's PIN")
    _common(pin)
    actions = pin.add_subparsers(dest="pin_command", metavar="ACTION", required=True)
    reset = actions.add_parser("reset", help="forget the PIN; the screen asks for a new one")
    _common(reset)
    reset.set_defaults(handler=cmd_pin_reset)


def cmd_pin_reset(args: argparse.Namespace) -> int:
    from kiosk import config
    from kiosk.cli import _data_dir
    from kiosk.store import open_store
    from kiosk.store import technician as tech

    store = open_store(config.database_path(_data_dir(args)))
    try:
        had = tech.has_pin(store)
        tech.clear_pin(store)
    finally:
        store.close()
    print("the technician PIN is forgotten; the technician screen asks for a new one"
          if had else "no technician PIN was set")
    return 0
