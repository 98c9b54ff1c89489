"""`kiosk sync …`: enroll, sync now, status, export to a stick, import a hub receipt.

Registered by `kiosk.cli.build_parser` through `add_commands`. Failures raise typed errors
whose `user_message` `kiosk.cli.main` prints as one line (exit 1); argparse handles usage
(exit 2). Each handler imports what it needs when it runs, so `kiosk --help` stays instant.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED = 0, 1


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS,
                        help="data folder (default: $KIOSK_DATA or the user data folder)")


def add_commands(sub: argparse._SubParsersAction) -> None:
    sync = sub.add_parser("sync", help="exchange progress with a hub (network or USB stick)")
    _data_option(sync)
    actions = sync.add_subparsers(dest="sync_command", metavar="ACTION", required=True)

    enroll = actions.add_parser(
        "enroll", help="enroll with a hub's one-time code (online with URL, else by stick)")
    _data_option(enroll)
    enroll.add_argument("url", nargs="?", metavar="URL",
                        help="the hub's address; leave it out to enroll through the stick")
    enroll.add_argument("code", metavar="CODE", help="the one-time code, like ABCD-2345")
    enroll.add_argument("--name", help="this kiosk's name at the hub (default: the PC's name)")
    enroll.add_argument("--commune", help="the commune this kiosk serves")
    enroll.set_defaults(handler=cmd_enroll)

    now = actions.add_parser("now", help="sync once now: push events, fetch newer lessons")
    _data_option(now)
    now.add_argument("--json", action="store_true", help="machine-readable output")
    now.set_defaults(handler=cmd_now)

    status = actions.add_parser("status", help="show whether the hub has this kiosk's events")
    _data_option(status)
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.set_defaults(handler=cmd_status)

    export = actions.add_parser("export", help="write unsent events to a USB stick")
    _data_option(export)
    export.add_argument("dir", metavar="DIR", help="the stick's root folder (or its KIOSK/sync)")
    export.set_defaults(handler=cmd_export)

    receipt = actions.add_parser("import-receipt", help="read the hub's receipt from the stick")
    _data_option(receipt)
    receipt.add_argument("files", nargs="+", metavar="FILE")
    receipt.set_defaults(handler=cmd_import_receipt)


def _data_dir(args: argparse.Namespace) -> Path:
    from kiosk import config

    return config.data_dir(getattr(args, "data", None))


def cmd_enroll(args: argparse.Namespace) -> int:
    from kiosk.sync.engine import store_for
    from kiosk.sync.enroll import enroll_by_stick, enroll_online

    data = _data_dir(args)
    with store_for(data, None) as store:
        if args.url:
            result = enroll_online(store, data, args.url, args.code, name=args.name,
                                   commune=args.commune)
            commune = f", commune {result.commune}" if result.commune else ""
            print(f"enrolled kiosk {result.kiosk_id} with hub {result.hub_id} at "
                  f"{result.hub_url}{commune}")
        else:
            result = enroll_by_stick(store, data, args.code, name=args.name,
                                     commune=args.commune)
            print(f"kiosk {result.kiosk_id}: the code travels in the next `kiosk sync export`; "
                  "the hub's receipt completes the enrollment")
    return EXIT_OK


def cmd_now(args: argparse.Namespace) -> int:
    from kiosk.sync.engine import sync_once

    report = sync_once(_data_dir(args))
    if args.json:
        print(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
    else:
        if report.enrolled_now:
            print("enrolled with the hub")
        print(f"sent {report.sent} event(s) in {report.batches} batch(es): {report.acked} "
              f"acknowledged ({report.stored} new at the hub, {report.duplicates} it had)")
        for bundle in report.installed:
            print(f"installed {bundle}")
    if report.problems:
        print(f"kiosk: {report.problems[-1]}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.sync.status import sync_status

    status = sync_status(_data_dir(args))
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
        return EXIT_OK
    if status["enrolled"]:
        how = "online" if status["online"] else "by USB stick only"
        print(f"enrolled: yes ({how}; hub {status['hub_url'] or status['hub_id']})")
    elif status["enrollment_waiting"]:
        print("enrolled: not yet (a code waits for the hub or the stick)")
    else:
        print("enrolled: no")
    print(f"kiosk id: {status['kiosk_id'] or '-'}")
    print(f"pending events: {status['pending']}")
    print(f"acknowledged events: {status['acked']}")
    print(f"last success: {status['last_success'] or 'never'}")
    print(f"last error: {status['last_error'] or '-'}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from kiosk.sync.engine import store_for
    from kiosk.sync.usb import export_events

    data = _data_dir(args)
    with store_for(data, None) as store:
        written = export_events(store, data, Path(args.dir))
        pending, _acked = store.outbox_counts()
    if not written:
        print("nothing to export: the hub has every event")
    for path in written:
        print(path)
    if written:
        print(f"{pending} event(s) written; they stay pending until the hub's receipt is "
              "imported")
    return EXIT_OK


def cmd_import_receipt(args: argparse.Namespace) -> int:
    from kiosk.sync.engine import store_for
    from kiosk.sync.usb import import_receipt

    data = _data_dir(args)
    with store_for(data, None) as store:
        for file in args.files:
            result = import_receipt(store, Path(file))
            extra = " (enrolled with the hub)" if result.enrolled_now else ""
            print(f"{result.file.name}: {result.acked} event(s) newly acknowledged of "
                  f"{result.listed} listed{extra}")
    return EXIT_OK
