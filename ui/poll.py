"""`use_poll`: a component re-renders when a value it watches changes elsewhere (another
browser session changed a room). A daemon thread per component probes every
`interval` seconds; it stops when the component goes away."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import solara


def use_poll(probe: Callable[[], Any], interval: float = 1.0, key: Any = None) -> Any:
    """The latest value of `probe()`, re-read every `interval` s (a change re-renders)."""
    value, set_value = solara.use_state(probe())

    def start() -> Callable[[], None]:
        stop = threading.Event()

        def loop() -> None:
            last = value
            while not stop.wait(interval):
                try:
                    now = probe()
                except Exception:  # noqa: BLE001 - a failed probe is retried next time
                    continue
                if now != last:
                    last = now
                    set_value(now)

        threading.Thread(target=loop, daemon=True, name="adoptsim-poll").start()
        return stop.set

    solara.use_effect(start, [key])
    return value
