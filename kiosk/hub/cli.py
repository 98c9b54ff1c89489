"""`kiosk hub …`: serve the hub, make enrollment codes, import USB files, print the report.

Registered by kiosk/cli.py (`add_commands`). Every command takes `--db URL` (default: the
SQLite file `hub.sqlite3` in the data folder; `postgresql://…` for PostgreSQL) and `--data`.
Exit codes follow DESIGN.md §11: failures raise `HubError` or `CommandError`, which the main
entry point prints as one line.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from pathlib import Path
from typing import Any

from kiosk.cli_common import command, command_group, data_dir, data_option

log = logging.getLogger(__name__)

BUNDLES_DIR = "hub-bundles"


def _hub_options(parser: argparse.ArgumentParser) -> None:
    data_option(parser)
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="database: postgresql://user@host/db, or a sqlite:///FILE URL "
                             "(default: hub.sqlite3 in the data folder)")


def add_commands(sub: argparse._SubParsersAction) -> None:
    hub = command_group(sub, "hub", "the hub server that kiosks sync with", options=_hub_options)
    hub_command = functools.partial(command, hub, options=_hub_options)  # each one takes --db

    serve = hub_command("serve", "run the hub (HTTP API and dashboard)", cmd_serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (8765; 0 picks a free one)")
    serve.add_argument("--bundles", metavar="DIR", default=argparse.SUPPRESS,
                       help=f"folder of .kbundle files to offer (default: {BUNDLES_DIR}/ in "
                            "the data folder)")

    code = hub_command("enroll-code", "make a one-time enrollment code", cmd_enroll_code)
    code.add_argument("--commune", default="", help="the commune the kiosk will serve")
    code.add_argument("--hours", type=float, default=72.0, help="hours the code stays valid (72)")

    imported = hub_command("import", "load a kiosk's sync file; write its receipt", cmd_import)
    imported.add_argument("file", metavar="FILE", help="a .ksync file from a kiosk")

    report = hub_command("report", "what learners did, for commune staff", cmd_report,
                         json=True)
    report.add_argument("--bundles", metavar="DIR", default=argparse.SUPPRESS,
                        help="folder of offered bundles (lesson topics and titles)")


def _data(args: argparse.Namespace) -> Path:
    return data_dir(args, cli_log=False)


def _url(args: argparse.Namespace) -> str:
    from kiosk.hub.storage import database_url

    return database_url(getattr(args, "db", None), _data(args))


def _bundles(args: argparse.Namespace) -> Path:
    given = getattr(args, "bundles", None)
    return Path(given) if given else _data(args) / BUNDLES_DIR


def _on_database(args: argparse.Namespace, work: Any, *more: Any) -> Any:
    """Open the hub's database, run `work(engine, *more)` on it and close it again."""
    from kiosk.hub.storage import open_engine

    url = _url(args)
    engine = _database(url, open_engine, url)
    try:
        return _database(url, work, engine, *more)
    finally:
        engine.dispose()


def _database(url: str, work: Any, *args: Any) -> Any:
    """Run `work`, turning a database failure into one plain line."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from kiosk.hub.errors import HubError
    from kiosk.hub.storage import describe

    try:
        return work(*args)
    except (SQLAlchemyError, ValueError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        try:
            shown = describe(url)
        except ArgumentError:
            shown = "given"
        raise HubError(f"cannot use the database {shown}: {reason}") from error


def cmd_serve(args: argparse.Namespace) -> int:
    from kiosk.hub.app import bind, create_app, make_server
    from kiosk.hub.errors import HubError
    from kiosk.hub.storage import describe

    url, bundles = _url(args), _bundles(args)
    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        raise HubError(f"cannot listen on {args.host}:{args.port}: "
                       f"{error.strerror or error}") from error
    with sock:
        app = _database(url, create_app, url, bundles)
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        print(f"hub listening on http://{shown}:{port} (database {describe(url)}, "
              f"bundles {bundles})", flush=True)
        try:
            make_server(app).run(sockets=[sock])
        except KeyboardInterrupt:
            pass  # uvicorn stops cleanly, then re-raises Ctrl+C: for a server, a normal stop
        finally:
            app.state.engine.dispose()
    print("hub stopped", flush=True)
    return 0


def cmd_enroll_code(args: argparse.Namespace) -> int:
    from kiosk.hub.enroll import create_code

    code = _on_database(args, create_code, args.commune, args.hours)
    where = f" for {args.commune}" if args.commune else ""
    print(f"one-time enrollment code{where}, valid {args.hours:g} hours:")
    print(code)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from kiosk.hub.usb import import_file

    done = _on_database(args, import_file, Path(args.file))
    result = done.result
    enrolled = "; kiosk enrolled" if done.enrolled else ""
    print(f"imported {args.file}: {len(result.stored)} new event(s), {len(result.duplicates)} "
          f"already stored{enrolled}; receipt {done.receipt}")
    return 0


def _print_report(report: dict[str, Any]) -> None:
    print(f"kiosks: {report['kiosks']}  learners: {report['learners']}  "
          f"events: {report['events']}")
    print(f"lessons started: {report['lessons_started']}  "
          f"completed: {report['lessons_completed']}")
    rate = report["quiz"]["first_try_pass_rate"]
    print("quiz right the first time: " + ("-" if rate is None else f"{rate:.0%}"))
    for key in ("by_lesson", "by_topic", "by_commune", "by_language", "by_voice_mode",
                "by_age_band"):
        print(f"{key.removeprefix('by_').replace('_', ' ')}:")
        for name, counts in report[key].items():
            shown = "  ".join(f"{what} {'<5' if n is None else n}" for what, n in counts.items())
            print(f"  {name}: {shown}")
    for kiosk in report["flagged_kiosks"]:
        print(f"FLAGGED {kiosk['kiosk_id']} {kiosk['name']}: {kiosk['reason']}")


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.hub.catalog import lesson_facts
    from kiosk.hub.report import build_report

    report = _on_database(args, build_report, lesson_facts(_bundles(args)))
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_report(report)
    return 0
