"""The main window's state machine: home → player → done → home, and the technician screen.

Only the moves in `MOVES` exist; anything else is a programming error and is refused loudly
in the log (the kiosk stays where it is rather than showing a half-built screen). Each move
calls `leave()` on the screen being replaced, then shows the next one and calls its
`enter(**args)`, so screens start and stop their own narration. Screens are built on first
use from factories (a lean start-up builds only the home screen); `created` lets the window
wire each new screen, and `moved` lets it refresh what it shows around the screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget

from kiosk.ui.screens.base import Screen

log = logging.getLogger(__name__)


class State(StrEnum):
    HOME = "home"
    PLAYER = "player"
    DONE = "done"
    TECHNICIAN = "technician"


MOVES: dict[State, frozenset[State]] = {
    State.HOME: frozenset({State.PLAYER, State.TECHNICIAN}),
    State.PLAYER: frozenset({State.HOME, State.DONE, State.TECHNICIAN}),
    State.DONE: frozenset({State.HOME, State.PLAYER, State.TECHNICIAN}),
    # The technician screen (Ctrl+Alt+T from anywhere) goes back only to the lessons.
    State.TECHNICIAN: frozenset({State.HOME}),
}


class NavigationError(Exception):
    """A move the state machine does not allow."""


class Navigator(QObject):
    moved = Signal(str)  # the new state's value
    created = Signal(str, object)  # state value and the screen just built (before entering)

    def __init__(self, stack: QStackedWidget, factories: dict[State, Callable[[], Screen]]) -> None:
        super().__init__(stack)
        self.stack = stack
        self._factories = dict(factories)
        self._screens: dict[State, Screen] = {}
        self.state: State | None = None

    def screen(self, state: State) -> Screen:
        """The screen for `state`, built now if it was not yet."""
        found = self._screens.get(state)
        if found is None:
            found = self._factories[state]()
            self._screens[state] = found
            self.stack.addWidget(found)
            self.created.emit(state.value, found)
        return found

    @property
    def built(self) -> list[Screen]:
        return list(self._screens.values())

    @property
    def current(self) -> Screen | None:
        return self._screens.get(self.state) if self.state is not None else None

    def start(self) -> None:
        """Show the home screen for the first time."""
        self._show(State.HOME, {})

    def go(self, state: State, **args: object) -> None:
        if self.state is None or state not in MOVES[self.state]:
            raise NavigationError(f"cannot move from {self.state} to {state}")
        self._show(state, args)

    def _show(self, state: State, args: dict[str, object]) -> None:
        old = self.current
        if old is not None:
            old.leave()
        self.state = state
        screen = self.screen(state)
        self.stack.setCurrentWidget(screen)
        log.debug("screen %s %s", state.value, args)
        screen.enter(**args)
        # enter() may itself have moved on (e.g. a lesson that vanished goes home).
        self.moved.emit(self.state.value)
