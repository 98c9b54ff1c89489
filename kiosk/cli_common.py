"""What every `kiosk …` command module shares, so all commands take and fail the same way.

kiosk/cli.py and the packages' command modules (sync, hub, speech, ops, store.pin_cli) declare
their commands through `command` and `command_group` (each accepts `--data`, and `--json` where
asked), find the data folder with `data_dir`, open the kiosk's store with `open_kiosk_store` and
fail with `CommandError`, which `kiosk.cli.main` prints as one line with exit code 1 (DESIGN
§11). Only the standard library is imported here: this module loads before `kiosk run` starts,
whose start-up is measured.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.store import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]
AddOptions = Callable[[argparse.ArgumentParser], None]


class CommandError(Exception):
    """A failed operation with a one-line reason for the person at the keyboard."""


def data_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a `--data` given before the subcommand is not reset by the subcommand's default.
    parser.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS,
                        help="data folder (default: $KIOSK_DATA or the user data folder)")


def command(actions: argparse._SubParsersAction, name: str, help: str,
            handler: Handler | None = None, *, json: bool = False,
            options: AddOptions = data_option, **defaults: object) -> argparse.ArgumentParser:
    """Add the subcommand `name` run by `handler`, with the shared `options` (`--data`) and,
    when `json`, `--json`; `defaults` are more values the handler finds in its namespace."""
    parser = actions.add_parser(name, help=help)
    options(parser)
    if json:
        parser.add_argument("--json", action="store_true", help="machine-readable output")
    if handler is not None:
        parser.set_defaults(handler=handler, **defaults)
    return parser


def command_group(actions: argparse._SubParsersAction, name: str, help: str, *,
                  options: AddOptions = data_option) -> argparse._SubParsersAction:
    """Add `name` as a command made of actions (`kiosk bundle pack`, `kiosk sync now`) and
    return where its actions are added; one of them must be given."""
    parser = command(actions, name, help, options=options)
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)


def data_dir(args: argparse.Namespace, *, cli_log: bool = True) -> Path:
    """The data folder (`--data`, else $KIOSK_DATA or the user data folder).

    With `cli_log` the command logs to `<data>/logs/cli.log` from then on, unless it keeps a log
    of its own (`own_log` in its namespace: the kiosk and the supervisor).
    """
    from kiosk import config

    data = config.data_dir(getattr(args, "data", None))
    if cli_log and not getattr(args, "own_log", False):
        from kiosk.ops import logs

        logs.setup(data, logs.CLI_LOG)
    return data


def open_kiosk_store(args: argparse.Namespace) -> Store:
    """The kiosk's store in the command's data folder; use it in a `with` block, which closes it."""
    from kiosk import config
    from kiosk.store import open_store

    return open_store(config.database_path(data_dir(args)))
