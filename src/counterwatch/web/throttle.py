"""Amounts per client over a sliding window, in bounded memory: the upload budget and the failed-login
count kept one deque per client for ever, so a scan from many addresses (or one address trying many
user names) grew the server without end. When the table is full, clients whose last amount has
left the window are forgotten first, then the least recently seen."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Hashable

MAX_KEYS = 10_000  # clients remembered at once: a few MB at most, far more than a team server sees


class SlidingWindow:
    """The sum of the amounts each key added within the last `seconds`."""

    def __init__(self, seconds: float, max_keys: int = MAX_KEYS) -> None:
        self.seconds, self.max_keys = seconds, max_keys
        self._seen: OrderedDict[Hashable, deque[tuple[float, float]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def total(self, key: Hashable, now: float | None = None) -> float:
        entries = self._seen.get(key)
        if not entries:
            return 0
        self._expire(entries, time.monotonic() if now is None else now)
        return sum(n for _, n in entries)

    def add(self, key: Hashable, amount: float = 1, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if key not in self._seen and len(self._seen) >= self.max_keys:
            self._make_room(now)
        entries = self._seen.setdefault(key, deque())
        self._seen.move_to_end(key)
        self._expire(entries, now)
        entries.append((now, amount))

    def forget(self, key: Hashable) -> None:
        self._seen.pop(key, None)

    def _expire(self, entries: deque[tuple[float, float]], now: float) -> None:
        while entries and entries[0][0] <= now - self.seconds:
            entries.popleft()

    def _make_room(self, now: float) -> None:
        """Keys are kept in the order they last added, so the stale ones are at the front."""
        while self._seen:
            entries = next(iter(self._seen.values()))
            if entries and entries[-1][0] > now - self.seconds and len(self._seen) < self.max_keys:
                break
            self._seen.popitem(last=False)
