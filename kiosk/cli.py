"""The `kiosk` command: the entry point for learners (run), technicians and scripts.

Contract (DESIGN.md §11): exit 0 on success, 1 with a one-line reason on stderr for bad
input or a failed operation, 2 for wrong usage. `--data DIR` is accepted after any
subcommand. Each command lives in a small function that imports what it needs, so
`kiosk lessons validate` never loads Qt and `kiosk --help` stays instant.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk import __version__

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A failed operation with a one-line reason for the person at the keyboard."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="data folder (default: $KIOSK_DATA or the user data folder)",
    )


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
    _common(parser)
    _add_run_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="show the kiosk (the default command)")
    _common(run)
    _add_run_options(run)
    run.set_defaults(handler=cmd_run)

    lessons = sub.add_parser("lessons", help="work with lesson sources")
    _common(lessons)
    lessons_sub = lessons.add_subparsers(dest="lessons_command", metavar="ACTION", required=True)
    validate = lessons_sub.add_parser("validate", help="check lesson folders and list problems")
    _common(validate)
    validate.add_argument("dirs", nargs="+", metavar="DIR", help="a lesson folder or a folder of them")
    validate.set_defaults(handler=cmd_lessons_validate)

    progress = sub.add_parser("progress", help="show what learners have done")
    _common(progress)
    progress.add_argument("--json", action="store_true", help="machine-readable output")
    progress.set_defaults(handler=cmd_progress)

    parser.set_defaults(handler=cmd_run)
    return parser


def _data_dir(args: argparse.Namespace) -> Path:
    from kiosk import config

    return config.data_dir(getattr(args, "data", None))


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.ui.app import RunOptions, run

    options = RunOptions(
        data_dir=_data_dir(args),
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
    from kiosk import config
    from kiosk.store import open_store

    store = open_store(config.database_path(_data_dir(args)))
    try:
        report = store.progress_report()
    finally:
        store.close()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    for learner in report["learners"]:
        print(learner["name"] or learner["id"])
        for lesson in learner["lessons"]:
            mark = "done" if lesson["completed"] else "in progress"
            print(f"  {lesson['id']}: {lesson['steps_done']}/{lesson['steps_total']} steps, {mark}")
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
