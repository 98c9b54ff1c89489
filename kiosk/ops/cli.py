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

from kiosk.cli_common import (
    CommandError,
    command,
    command_group,
    data_dir,
    open_kiosk_store,
)

# Settings a technician may set from the command line: key -> (type, what it is).
SETTINGS: dict[str, tuple[type, str]] = {
    "help.text": (str, "who to ask for help, shown by the 'Call a helper' button"),
    "privacy.idle_seconds": (int, "quiet seconds before 'Are you still there?' (default 180)"),
    "privacy.prompt_seconds": (int, "seconds the question waits before going home (default 30)"),
    "tutorial.done": (bool, "false shows the key tutorial again at the next start"),
}


def add_commands(sub: argparse._SubParsersAction) -> None:
    from kiosk.cli import _add_run_options

    supervise = command(sub, "supervise", "run the kiosk and restart it after a crash",
                        cmd_supervise, own_log=True)
    _add_run_options(supervise)
    supervise.add_argument("--max-crashes", type=int, default=5, metavar="N",
                           help="stop after N crashes within a minute (default 5)")
    supervise.add_argument("--backoff", type=float, default=1.0, help=argparse.SUPPRESS)

    install = command(sub, "install-autostart",
                      "start the kiosk (kiosk mode, supervised) at log-in", cmd_install_autostart)
    install.add_argument("--lang", metavar="CODE", help="start in this language")
    install.add_argument("--voice", action="store_true", help="start in voice mode")
    install.add_argument("--windowed", action="store_true", help="a window, not kiosk mode")
    command(sub, "uninstall-autostart", "stop starting the kiosk at log-in",
            cmd_uninstall_autostart)

    health = command(sub, "health", "uptime, crashes, disk, backups, last sync", cmd_health,
                     json=True)
    health.add_argument("--speech", action="store_true", help="also test the voice (slow)")

    slip = command_group(sub, "slip", "completion slips")
    check = command(slip, "check", "which completion a slip's code belongs to", cmd_slip_check)
    check.add_argument("code", metavar="CODE")

    learner = command_group(sub, "learner", "learner cards")
    clear = command(learner, "clear-code", "remove a card's secret code (forgotten)",
                    cmd_learner_clear_code)
    clear.add_argument("who", metavar="NAME_OR_ID")

    setting = command_group(sub, "setting", "kiosk settings for the technician")
    get = command(setting, "get", "show a setting", cmd_setting_get)
    get.add_argument("key", choices=sorted(SETTINGS))
    put = command(setting, "set", "change a setting", cmd_setting_set)
    put.add_argument("key", choices=sorted(SETTINGS))
    put.add_argument("value")


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

    data = data_dir(args).resolve()
    backoff = max(0.0, float(getattr(args, "backoff", 1.0)))
    policy = Policy(max_crashes=max(1, int(getattr(args, "max_crashes", 5))),
                    backoff_first_s=backoff, backoff_max_s=30.0 * backoff)
    code, message = supervise(child_run_args(args, data), data, policy)
    if code != 0:
        raise CommandError(message or "the kiosk stopped")
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
    outcome = autostart.install(data_dir(args), options)
    print(outcome.message)
    return 0


def cmd_uninstall_autostart(args: argparse.Namespace) -> int:
    from kiosk.ops import autostart

    print(autostart.uninstall().message)
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    from kiosk.ops import health

    data = data_dir(args)
    try:
        store = open_kiosk_store(args)
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

    with open_kiosk_store(args) as store:
        found = slipcode.find(store, args.code)
    if found is None:
        raise CommandError(f"no completion on this kiosk has the code {args.code}")
    who = found.learner_name or "guest"
    print(f"{slipcode.pretty(slipcode.normalise(args.code))}: {who} finished {found.lesson_id} "
          f"on {found.day} (learner {found.learner_id})")
    return 0


def cmd_learner_clear_code(args: argparse.Namespace) -> int:
    from kiosk.store import cardcodes

    with open_kiosk_store(args) as store:
        cards = [c for c in store.learners() if args.who in (c.id, c.name)]
        if not cards:
            raise CommandError(f"no learner card is called {args.who!r}")
        if len(cards) > 1:
            raise CommandError(f"{len(cards)} cards are called {args.who!r}; give the card's "
                               "id: " + ", ".join(c.id for c in cards))
        cardcodes.clear_code(store, cards[0].id)
    print(f"the code of {cards[0].name or 'guest'} ({cards[0].id}) is removed")
    return 0


def cmd_setting_get(args: argparse.Namespace) -> int:
    with open_kiosk_store(args) as store:
        value = store.get_setting(args.key)
    print(json.dumps(value, ensure_ascii=False))
    return 0


def cmd_setting_set(args: argparse.Namespace) -> int:
    kind, _what = SETTINGS[args.key]
    text = args.value
    value: object
    if kind is bool:
        if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise CommandError(f"{args.key} is true or false")
        value = text.lower() in ("true", "1", "yes")
    elif kind is int:
        try:
            value = int(text)
        except ValueError:
            raise CommandError(f"{args.key} is a whole number of seconds") from None
        if value < 1:
            raise CommandError(f"{args.key} must be at least 1")
    else:
        value = " ".join(text.split()) or None
    with open_kiosk_store(args) as store:
        store.set_setting(args.key, value)
    print(f"{args.key} = {json.dumps(value, ensure_ascii=False)}")
    if sys.stdout.isatty() and args.key.startswith("privacy."):
        print("(a running kiosk uses the new time from its next quiet moment)")
    return 0
