"""Chart images shared by every session of this server: the same run at the same week
draws the same chart, so twelve teams opening the same page draw it once. Keys name
what a chart shows (scenario, seed, week, decisions, view options); a chart being drawn
is waited for, not drawn twice. Least recently used images are dropped beyond
`MAX_ITEMS`."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

MAX_ITEMS = 512

_items: OrderedDict[Hashable, Any] = OrderedDict()
_locks: dict[Hashable, threading.Lock] = {}
_guard = threading.Lock()


def scenario_key(scenario: Any) -> str:
    """A short digest of a scenario (its JSON dump)."""
    return hashlib.sha1(scenario.model_dump_json().encode()).hexdigest()[:16]


def cached(key: Hashable, make: Callable[[], Any]) -> Any:
    """`make()`'s result for `key`, computed once per key while it is kept."""
    with _guard:
        if key in _items:
            _items.move_to_end(key)
            return _items[key]
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        with _guard:
            if key in _items:
                return _items[key]
        value = make()
        with _guard:
            _items[key] = value
            _locks.pop(key, None)
            while len(_items) > MAX_ITEMS:
                _items.popitem(last=False)
        return value
