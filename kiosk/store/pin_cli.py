"""`kiosk pin reset`: forget the technician PIN, for a technician who lost it.

Whoever can type commands on the kiosk's computer may do this (the PIN guards the screen, not
the machine); the technician screen then asks for a new PIN the next time it opens.
"""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction) -> None:
    from kiosk.cli_common import command, command_group

    pin = command_group(sub, "pin", "the technician screen's PIN")
    command(pin, "reset", "forget the PIN; the screen asks for a new one", cmd_pin_reset)


def cmd_pin_reset(args: argparse.Namespace) -> int:
    from kiosk.cli_common import open_kiosk_store
    from kiosk.store import technician as tech

    with open_kiosk_store(args) as store:
        had = tech.has_pin(store)
        tech.clear_pin(store)
    print("the technician PIN is forgotten; the technician screen asks for a new one"
          if had else "no technician PIN was set")
    return 0
