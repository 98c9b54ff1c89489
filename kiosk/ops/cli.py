"""Command-line commands for running the kiosk all day (registered by kiosk.cli).

```
kiosk supervise [--lessons DIR] [--lang CODE] [--voice] [--windowed] [--max-crashes N]
kiosk run --supervised ...          # the same
kiosk install-autostart [--lang CODE] [--voice] [--windowed]
kiosk uninstall-autostart
kiosk health [--json] [--speech]
kiosk slip check CODE
kiosk learner clear-code NAME_OR_ID
kiosk setting get KEY | kiosk setting set KEY VALUE
```
Exit codes follow DESIGN §11: 0 done, 1 with a one-line reason on stderr, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Settings a technician may set from the command line: key -> (type, what it is).
SETTINGS: dict[str, tuple[type, str]] = {
    "help.text": (str, "who to ask for help, shown by the 'Call a helper' button"),
    "privacy.idle_seconds": (int, "quiet seconds before 'Are you still there?' (default 180)"),
    "privacy.prompt_seconds": (int, "seconds the question waits before going home (default 30)"),
    "tutorial.done": (bool, "false shows the key tutorial again at the next start"),
}


def add_commands(sub: argparse._SubParsersAction) -> None:
    from kiosk.cli import _add_run_options, _common

    supervise = sub.add_parser("supervise", help="run the kiosk and restart it after a crash")
    _common(supervise)
    _add_run_options(supervise)
    supervise.add_argument("--max-crashes", type=int, default=5, metavar="N",
                           help="stop after N crashes within a minute (default 5)")
    supervise.add_argument("--backoff", type=float, default=1.0, help=argparse.SUPPRESS)
    supervise.set_defaults(handler=cmd_supervise, own_log=True)

    install = sub.add_parser("install-autostart",
                             help="start the kiosk (kiosk mode, supervised) at log-in")
    _common(install)
    install.add_argument("--lang", metavar="CODE", help="start in this language")
    install.add_argument("--voice", action="store_true", help="start in voice mode")
    install.add_argument("--windowed", action="store_true", help="a window, not kiosk mode")
    install.set_defaults(handler=cmd_install_autostart)
    uninstall = sub.add_parser("uninstall-autostart", help="stop starting the kiosk at log-in")
    _common(uninstall)
    uninstall.set_defaults(handler=cmd_uninstall_autostart)

    health = sub.add_parser("health", help="uptime, crashes, disk, backups, last sync")
    _common(health)
    health.add_argument("--json", action="store_true", help="machine-readable output")
    health.add_argument("--speech", action="store_true", help="also test the voice (slow)")
    health.set_defaults(handler=cmd_health)

    slip = sub.add_parser("slip", help="completion slips")
    _common(slip)
    slip_sub = slip.add_subparsers(dest="slip_command", metavar="ACTION", required=True)
    check = slip_sub.add_parser("check", help="which completion a slip's code belongs to")
    _common(check)
    check.add_argument("code", metavar="CODE")
    check.set_defaults(handler=cmd_slip_check)

    learner = sub.add_parser("learner", help="learner cards")
    _common(learner)
    learner_sub = learner.add_subparsers(dest="learner_command", metavar="ACTION", required=True)
    clear = learner_sub.add_parser("clear-code", help="remove a card's secret code (forgotten)")
    _common(clear)
    clear.add_argument("who", metavar="NAME_OR_ID")
    clear.set_defaults(handler=cmd_learner_clear_code)

    setting = sub.add_parser("setting", help="kiosk settings for the technician")
    _common(setting)
    setting_sub = setting.add_subparsers(dest="setting_command", metavar="ACTION", required=True)
    get = setting_sub.add_parser("get", help="show a setting")
    _common(get)
    get.add_argument("key", choices=sorted(SETTINGS))
    get.set_defaults(handler=cmd_setting_get)
    put = setting_sub.add_parser("set", help="change a setting")
    _common(put)
    put.add_argument("key", choices=sorted(SETTINGS))
    put.add_argument("value")
    put.set_defaults(handler=cmd_setting_set)


def _data(args: argparse.Namespace) -> Path:
    from kiosk.cli import _data_dir

    return _data_dir(args)


def _fail(message: str) -> Exception:
    from kiosk.cli import CommandError

    return CommandError(message)


def child_run_args(args: argparse.Namespace, data: Path) -> list[str]:
    """`kiosk run ...` options for the supervised child, from the parsed options."""
    child = ["run", "--data", str(data)]
    for folder in getattr(args, "lessons", None) or []:
        child += ["--lessons", str(Path(folder).resolve())]
    if getattr(args, "lang", None):
        child += ["--lang", args.lang]
    if getattr(args, "voice", False):
        child.append("--voice")
    if getattr(args, "windowed", False):
        child.append("--windowed")
    return child


def cmd_supervise(args: argparse.Namespace) -> int:
    from kiosk.ops.supervisor import Policy, supervise

    data = _data(args).resolve()
    backoff = max(0.0, float(getattr(args, "backoff", 1.0)))
    policy = Policy(max_crashes=max(1, int(getattr(args, "max_crashes", 5))),
                    backoff_first_s=backoff, backoff_max_s=30.0 * backoff)
    code, message = supervise(child_run_args(args, data), data, policy)
    if code != 0:
        raise _fail(message or "the kiosk stopped")
    return 0


def cmd_install_autostart(args: argparse.Namespace) -> int:
    from kiosk.ops import autostart

    options = []
    if args.lang:
        options += ["--lang", args.lang]
    if args.voice:
        options.append("--voice")
    if args.windowed:
        options.append("--windowed")
    outcome = autostart.install(_data(args), options)
    print(outcome.message)
    return 0


def cmd_uninstall_autostart(args: argparse.Namespace) -> int:
    from kiosk.ops import autostart

    print(autostart.uninstall().message)
    return 0


def _open(args: argparse.Namespace):
    from kiosk import config
    from kiosk.store import open_store

    return open_store(config.database_path(_data(args)))


def cmd_health(args: argparse.Namespace) -> int:
    from kiosk.ops import health

    data = _data(args)
    try:
        store = _open(args)
    except Exception as error:  # a damaged database is a health fact, not a crash
        store = None
        damaged = getattr(error, "user_message", str(error))
    else:
        damaged = None
    try:
        facts = health.collect(data, store)
    finally:
        if store is not None:
            store.close()
    checks = _speech_checks() if args.speech else []
    if args.json:
        row = health.as_json(facts)
        row["database_problem"] = damaged
        row["speech"] = [{"name": c.name, "ok": c.ok, "message": c.message} for c in checks]
        print(json.dumps(row, ensure_ascii=False, indent=2))
        return 0
    if damaged:
        print("✗ " + damaged)
    for text, ok in health.lines(facts):
        print(("✓ " if ok else "✗ ") + text)
    for check in checks:
        print(("✓ " if check.ok else "✗ ") + check.message)
    return 0


def _speech_checks() -> list:
    import tempfile

    from kiosk.content.languages import load_languages
    from kiosk.ops import health
    from kiosk.speech.cache import WavCache
    from kiosk.speech.engine import TtsEngine

    with tempfile.TemporaryDirectory() as cache:
        engine = TtsEngine(WavCache(Path(cache)))
        try:
            # No Qt here: the audio outputs are not listed from the command line.
            return health.speech_self_test(engine, load_languages().languages, ["(not checked)"])
        finally:
            engine.close()


def cmd_slip_check(args: argparse.Namespace) -> int:
    from kiosk.ops import slipcode

    store = _open(args)
    try:
        found = slipcode.find(store, args.code)
    finally:
        store.close()
    if found is None:
        raise _fail(f"no completion on this kiosk has the code {args.code}")
    who = found.learner_name or "guest"
    print(f"{slipcode.pretty(slipcode.normalise(args.code))}: {who} finished {found.lesson_id} "
          f"on {found.day} (learner {found.learner_id})")
    return 0


def cmd_learner_clear_code(args: argparse.Namespace) -> int:
    from kiosk.store import cardcodes

    store = _open(args)
    try:
        cards = [c for c in store.learners() if args.who in (c.id, c.name)]
        if not cards:
            raise _fail(f"no learner card is called {args.who!r}")
        if len(cards) > 1:
            raise _fail(f"{len(cards)} cards are called {args.who!r}; give the card's id: "
                        + ", ".join(c.id for c in cards))
        cardcodes.clear_code(store, cards[0].id)
    finally:
        store.close()
    print(f"the code of {cards[0].name or 'guest'} ({cards[0].id}) is removed")
    return 0


def cmd_setting_get(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        value = store.get_setting(args.key)
    finally:
        store.close()
    print(json.dumps(value, ensure_ascii=False))
    return 0


def cmd_setting_set(args: argparse.Namespace) -> int:
    kind, _what = SETTINGS[args.key]
    text = args.value
    value: object
    if kind is bool:
        if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise _fail(f"{args.key} is true or false")
        value = text.lower() in ("true", "1", "yes")
    elif kind is int:
        try:
            value = int(text)
        except ValueError:
            raise _fail(f"{args.key} is a whole number of seconds") from None
        if value < 1:
            raise _fail(f"{args.key} must be at least 1")
    else:
        value = " ".join(text.split()) or None
    store = _open(args)
    try:
        store.set_setting(args.key, value)
    finally:
        store.close()
    print(f"{args.key} = {json.dumps(value, ensure_ascii=False)}")
    if sys.stdout.isatty() and args.key.startswith("privacy."):
        print("(a running kiosk uses the new time from its next quiet moment)")
    return 0
