"""`kiosk sync …`: enroll, sync now, status, export to a stick, import a hub receipt.

Registered by `kiosk.cli.build_parser` through `add_commands`. Failures raise typed errors
whose `user_message` `kiosk.cli.main` prints as one line (exit 1); argparse handles usage
(exit 2). Each handler imports what it needs when it runs, so `kiosk --help` stays instant.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from kiosk.cli_common import EXIT_OK, CommandError, command, command_group, data_dir


def add_commands(sub: argparse._SubParsersAction) -> None:
    sync = command_group(sub, "sync", "exchange progress with a hub (network or USB stick)")

    enroll = command(sync, "enroll",
                     "enroll with a hub's one-time code (online with URL, else by stick)",
                     cmd_enroll)
    enroll.add_argument("url", nargs="?", metavar="URL",
                        help="the hub's address; leave it out to enroll through the stick")
    enroll.add_argument("code", metavar="CODE", help="the one-time code, like ABCD-2345")
    enroll.add_argument("--name", help="this kiosk's name at the hub (default: the PC's name)")
    enroll.add_argument("--commune", help="the commune this kiosk serves")

    command(sync, "now", "sync once now: push events, fetch newer lessons", cmd_now, json=True)
    command(sync, "status", "show whether the hub has this kiosk's events", cmd_status,
            json=True)

    export = command(sync, "export", "write unsent events to a USB stick", cmd_export)
    export.add_argument("dir", metavar="DIR", help="the stick's root folder (or its KIOSK/sync)")

    receipt = command(sync, "import-receipt", "read the hub's receipt from the stick",
                      cmd_import_receipt)
    receipt.add_argument("files", nargs="+", metavar="FILE")


def cmd_enroll(args: argparse.Namespace) -> int:
    from kiosk.sync.engine import store_for
    from kiosk.sync.enroll import enroll_by_stick, enroll_online

    data = data_dir(args, cli_log=False)
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

    report = sync_once(data_dir(args, cli_log=False))
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
        raise CommandError(report.problems[-1])
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from kiosk.sync.status import sync_status

    status = sync_status(data_dir(args, cli_log=False))
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

    data = data_dir(args, cli_log=False)
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

    data = data_dir(args, cli_log=False)
    with store_for(data, None) as store:
        for file in args.files:
            result = import_receipt(store, Path(file))
            extra = " (enrolled with the hub)" if result.enrolled_now else ""
            print(f"{result.file.name}: {result.acked} event(s) newly acknowledged of "
                  f"{result.listed} listed{extra}")
    return EXIT_OK
