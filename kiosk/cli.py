"""The `kiosk` command: the entry point for learners (run), technicians and scripts.

Contract (DESIGN.md §11): exit 0 on success, 1 with a one-line reason on stderr for bad
input or a failed operation, 2 for wrong usage. `--data DIR` is accepted after any
subcommand. Each command lives in a small function that imports what it needs, so
`kiosk lessons validate` never loads Qt and `kiosk --help` stays instant; commands here and in
the packages' command modules are declared with the helpers of `kiosk.cli_common`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.cli_common import (
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    command,
    command_group,
    data_dir,
    data_option,
    open_kiosk_store,
)

log = logging.getLogger(__name__)


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lessons",
        metavar="DIR",
        action="append",
        help="play the lessons in DIR instead of the built-in ones (repeatable)",
    )
    parser.add_argument("--lang", metavar="CODE", help="start in this language (e.g. vi, tyz, km)")
    parser.add_argument("--voice", action="store_true", help="start in voice mode")
    parser.add_argument("--windowed", action="store_true", help="a normal window, not full screen")
    parser.add_argument("--supervised", action="store_true",
                        help="restart the kiosk after a crash (as `kiosk supervise`)")
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="print 'ready in N ms' once the home screen is usable, then exit",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Digital-literacy kiosk (Bình dân học vụ số)."
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    data_option(parser)
    _add_run_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    _add_run_options(command(sub, "run", "show the kiosk (the default command)", cmd_run))

    lessons = command_group(sub, "lessons", "work with lesson sources")
    validate = command(lessons, "validate", "check lesson folders and list problems",
                       cmd_lessons_validate)
    validate.add_argument(
        "dirs", nargs="+", metavar="DIR", help="a lesson folder or a folder of them"
    )

    command(sub, "progress", "show what learners have done", cmd_progress, json=True)

    _add_bundle_commands(sub)
    from kiosk.sync.cli import add_commands as add_sync_commands

    add_sync_commands(sub)
    from kiosk.speech.cli import add_commands as add_speech_commands

    add_speech_commands(sub)
    from kiosk.hub.cli import add_commands as add_hub_commands

    add_hub_commands(sub)
    from kiosk.ops.cli import add_commands as add_ops_commands

    add_ops_commands(sub)
    from kiosk.store.pin_cli import add_commands as add_pin_commands

    add_pin_commands(sub)
    parser.set_defaults(handler=cmd_run)
    return parser


def _add_bundle_commands(sub: argparse._SubParsersAction) -> None:
    keygen = command(sub, "keygen", "make a key pair for signing lesson bundles", cmd_keygen)
    keygen.add_argument("--out", required=True, metavar="PREFIX",
                        help="write PREFIX.key (secret) and PREFIX.pub")
    keygen.add_argument("--name", default="", help="publisher name shown to technicians")
    keygen.add_argument("--root", action="store_true",
                        help="a root key, which signs keyrings of publisher keys (rotation)")

    trust = command_group(sub, "trust", "the publisher keys this kiosk trusts")
    add = command(trust, "add", "trust a public key (.pub) or a signed keyring", cmd_trust_add)
    add.add_argument("file", metavar="PUBFILE")
    command(trust, "list", "list the trusted keys", cmd_trust_list, json=True)
    keyring = command(trust, "keyring", "sign a keyring of publisher keys", cmd_trust_keyring)
    keyring.add_argument("pubs", nargs="*", metavar="PUBFILE", help="publisher keys to list")
    keyring.add_argument("--key", required=True, metavar="ROOTKEY", help="the root .key file")
    keyring.add_argument("-o", "--output", required=True, metavar="FILE")
    keyring.add_argument("--version", required=True, type=int, help="keyring version (grows)")
    keyring.add_argument("--revoke", action="append", default=[], metavar="KEYID",
                         help="a key id no longer trusted (repeatable)")

    bundle = command_group(sub, "bundle", "signed lesson bundles")
    pack = command(bundle, "pack", "validate lessons and pack a signed bundle", cmd_bundle_pack)
    pack.add_argument("source", metavar="SRC_DIR", help="a lesson folder or a folder of them")
    pack.add_argument("-o", "--output", required=True, metavar="FILE",
                      help="the .kbundle file, or a folder for <id>-<version>.kbundle")
    pack.add_argument("--key", required=True, metavar="KEYFILE", help="publisher .key file")
    pack.add_argument("--id", dest="bundle_id", help="bundle id (default: lesson or folder name)")
    pack.add_argument("--version", dest="bundle_version", type=int,
                      help="bundle version (default: UTC time YYYYMMDDHHMMSS)")
    pack.add_argument("--title", help="Vietnamese title (default: the lesson titles)")
    verify = command(bundle, "verify", "check a bundle without installing it", cmd_bundle_verify)
    verify.add_argument("files", nargs="+", metavar="FILE")
    install = command(bundle, "install", "verify and install bundles", cmd_bundle_install)
    install.add_argument("files", nargs="+", metavar="FILE")
    command(bundle, "list", "list installed bundles", cmd_bundle_list, json=True)
    remove = command(bundle, "remove", "uninstall a bundle", cmd_bundle_remove)
    remove.add_argument("bundle_id", metavar="ID")


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.ui.app import RunOptions, run

    args.own_log = True  # the kiosk, or its supervisor, writes its own log file
    if getattr(args, "supervised", False):
        from kiosk.ops.cli import cmd_supervise

        return cmd_supervise(args)

    options = RunOptions(
        data_dir=data_dir(args),
        lesson_dirs=[Path(d) for d in args.lessons] if args.lessons else None,
        language=args.lang,
        voice=args.voice,
        windowed=args.windowed,
        exit_when_ready=args.exit_when_ready,
    )
    return run(options)


def cmd_lessons_validate(args: argparse.Namespace) -> int:
    from kiosk.content.catalog import validate_paths

    report = validate_paths([Path(d) for d in args.dirs])
    for problem in report.problems:
        print(problem, file=sys.stderr)
    for lesson_id in report.valid:
        print(f"ok: {lesson_id}")
    if report.problems:
        raise CommandError(
            f"{len(report.problems)} problem(s) in {report.invalid_count} lesson(s); "
            f"{len(report.valid)} lesson(s) valid"
        )
    if not report.valid:
        raise CommandError("no lessons found in " + ", ".join(args.dirs))
    return EXIT_OK


def cmd_progress(args: argparse.Namespace) -> int:
    with open_kiosk_store(args) as store:
        report = store.progress_report()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    for learner in report["learners"]:
        print(learner["name"] or learner["id"])
        for lesson in learner["lessons"]:
            mark = "done" if lesson["completed"] else "in progress"
            print(f"  {lesson['id']}: {lesson['steps_done']}/{lesson['steps_total']} steps, {mark}")
    return EXIT_OK


def cmd_keygen(args: argparse.Namespace) -> int:
    from kiosk.bundles.keys import ROLE_PUBLISHER, ROLE_ROOT, generate_keypair

    key = generate_keypair(Path(args.out), args.name, ROLE_ROOT if args.root else ROLE_PUBLISHER)
    print(f"{args.out}.key (secret: keep it safe, never copy it to a kiosk)")
    print(f"{args.out}.pub ({key.role} key {key.key_id})")
    return EXIT_OK


def cmd_trust_add(args: argparse.Namespace) -> int:
    from kiosk.bundles.keys import Keyring, TrustStore

    added = TrustStore.for_data(data_dir(args)).add(Path(args.file))
    if isinstance(added, Keyring):
        print(f"trusted keyring v{added.version} of root {added.root_key_id}: "
              f"{len(added.keys)} key(s), {len(added.revoked)} revoked")
    else:
        print(f"trusted {added.role} key {added.key_id} {added.name}".rstrip())
    return EXIT_OK


def cmd_trust_list(args: argparse.Namespace) -> int:
    from kiosk.bundles.keys import TrustStore

    store = TrustStore.for_data(data_dir(args))
    rows = [{"key_id": key.key_id, "name": key.name, "role": key.role, "source": key.source,
             "revoked": key.key_id in store.revoked} for key in store.entries()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        mark = " (revoked)" if row["revoked"] else ""
        print(f"{row['key_id']}  {row['role']:<9}  {row['source']:<8}  {row['name']}{mark}")
    return EXIT_OK


def cmd_trust_keyring(args: argparse.Namespace) -> int:
    import datetime as dt

    from kiosk.bundles.fsutil import write_atomic
    from kiosk.bundles.keys import make_keyring, read_public_key, read_secret_key

    root = read_secret_key(Path(args.key))
    keys = [read_public_key(Path(pub)) for pub in args.pubs]
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    write_atomic(Path(args.output), make_keyring(root, keys, args.revoke, args.version, created))
    print(f"{args.output}: keyring v{args.version}, {len(keys)} key(s), "
          f"{len(args.revoke)} revoked")
    return EXIT_OK


def cmd_bundle_pack(args: argparse.Namespace) -> int:
    from kiosk.bundles.keys import read_secret_key
    from kiosk.bundles.pack import pack_bundle

    result = pack_bundle(Path(args.source), Path(args.output), read_secret_key(Path(args.key)),
                         bundle_id=args.bundle_id, version=args.bundle_version, title=args.title)
    manifest = result.manifest
    print(f"{result.path}: {manifest.id} version {manifest.version}, "
          f"{len(manifest.lessons)} lesson(s), {len(manifest.files)} file(s)")
    return EXIT_OK


def cmd_bundle_verify(args: argparse.Namespace) -> int:
    from kiosk.bundles.keys import TrustStore
    from kiosk.bundles.verify import verify_bundle

    trust = TrustStore.for_data(data_dir(args))
    for file in args.files:
        verified = verify_bundle(Path(file), trust)
        manifest = verified.manifest
        print(f"ok: {file}: {manifest.id} version {manifest.version}, lessons "
              f"{', '.join(manifest.lesson_ids)}; signed by {manifest.publisher or '?'} "
              f"(key {verified.key.key_id})")
    return EXIT_OK


def _progress_printer(name: str) -> Callable[[int, int], None] | None:
    """A live percentage on a terminal; nothing otherwise, so stderr stays one line on failure."""
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent != last[0]:
            last[0] = percent
            end = "\n" if done >= total else ""
            print(f"\rinstalling {name}: {percent}%", end=end, file=sys.stderr, flush=True)

    return show


def cmd_bundle_install(args: argparse.Namespace) -> int:
    from kiosk.bundles.install import install_bundle
    from kiosk.bundles.keys import TrustStore

    data = data_dir(args)
    trust = TrustStore.for_data(data)
    for file in args.files:
        try:
            result = install_bundle(Path(file), data, trust=trust,
                                    progress=_progress_printer(Path(file).name))
        except KeyboardInterrupt:
            if sys.stderr.isatty():
                print(file=sys.stderr)
            raise CommandError("the install was cancelled; nothing was changed") from None
        before = f" (was {result.previous_version})" if result.previous_version else ""
        print(f"installed {result.id} version {result.version}{before}: "
              f"{', '.join(result.lessons)}")
    return EXIT_OK


def cmd_bundle_list(args: argparse.Namespace) -> int:
    from kiosk.bundles.install import list_bundles

    bundles = list_bundles(data_dir(args))
    if args.json:
        rows = [{"id": b.id, "version": b.version, "lessons": list(b.lessons),
                 "publisher": b.publisher or b.publisher_key, "publisher_key": b.publisher_key,
                 "titles": b.titles, "installed": b.installed} for b in bundles]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for b in bundles:
        print(f"{b.id} {b.version}: {', '.join(b.lessons)} ({b.publisher or b.publisher_key})")
    return EXIT_OK


def cmd_bundle_remove(args: argparse.Namespace) -> int:
    from kiosk.bundles.install import remove_bundle

    removed = remove_bundle(args.bundle_id, data_dir(args))
    print(f"removed {removed.id} version {removed.version}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on bad usage and 0 on --help
        return int(exit_.code or 0)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except CommandError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("kiosk: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # a technician gets a reason, the log gets the traceback
        log.debug("command failed", exc_info=True)
        reason = getattr(error, "user_message", None) or f"{type(error).__name__}: {error}"
        print(f"kiosk: {reason}", file=sys.stderr)
        return EXIT_FAILED
