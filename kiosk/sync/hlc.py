"""Hybrid logical clock: timestamps that only go forward, even when the PC's clock does not.

Village PCs have wrong clocks: a dead battery puts them back years, a technician corrects them
forward, some never get set. Every event the kiosk records and every batch it sends is stamped
with an HLC, `"{physical_ms:016d}-{counter:04d}"` (PROTOCOL.md), which compares as a string:
the physical part is the larger of the wall clock and the last stamp issued or heard, and the
counter orders stamps within one millisecond (or while the wall clock lags behind). When the
counter would pass 9999 the physical part moves on by one millisecond instead, so a kiosk whose
clock sits years in the past still issues stamps of the fixed width, in order.

Pure functions over immutable `Stamp`s; where the last stamp is kept is the store's business
(`kiosk.store.sync_state`). No imports beyond the standard library: the store loads this
module at start-up.
"""

from __future__ import annotations

import re
import time
from typing import NamedTuple

MAX_COUNTER = 9999
# 16 digits of milliseconds; a remote stamp at or past this bound is refused as nonsense.
MAX_PHYSICAL = 10**15
_PATTERN = re.compile(r"\A(\d{16})-(\d{4})\Z")


class Stamp(NamedTuple):
    """One HLC value; tuples compare like their text form."""

    physical: int
    counter: int

    def __str__(self) -> str:
        return f"{self.physical:016d}-{self.counter:04d}"


ZERO = Stamp(0, 0)


def wall_ms() -> int:
    """The PC's clock in milliseconds since 1970 (whatever it says: it may be years off)."""
    return time.time_ns() // 1_000_000


def parse(text: object) -> Stamp | None:
    """The stamp written as `text`, or None when it is not one (empty, malformed, absurd)."""
    if not isinstance(text, str):
        return None
    match = _PATTERN.match(text)
    if match is None:
        return None
    stamp = Stamp(int(match.group(1)), int(match.group(2)))
    return stamp if stamp.physical < MAX_PHYSICAL else None


def send(last: Stamp, now_ms: int) -> Stamp:
    """The stamp of a new local event: after `last`, and at least the wall clock `now_ms`."""
    now_ms = max(0, min(int(now_ms), MAX_PHYSICAL - 1))
    if now_ms > last.physical:
        return Stamp(now_ms, 0)
    if last.counter < MAX_COUNTER:
        return Stamp(last.physical, last.counter + 1)
    return Stamp(last.physical + 1, 0)


def receive(last: Stamp, remote: Stamp | None) -> Stamp:
    """The clock after hearing `remote` (say the hub's time): never before either of them."""
    if remote is None:
        return last
    return max(last, remote)
