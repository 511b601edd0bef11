"""The lever protocol: what every lever module declares.

A lever owns one part of the scenario's strategy (`keys`), acts at fixed points of the
week (`hooks`), books its own costs, and may offer live actions (`actions`) that the
Workshop and notebooks call through `Simulation.apply`. Hooks run in this order each
week, levers in the order of `model.levers.LEVERS`:

- ``start``: one-off interventions at the beginning of the week (appointments, access);
- ``deliver``: messages and training;
- ``respond``: weekly answers to concerns, after rumours have spread;
- ``harvest``: after this week's use: success stories and new use cases;
- ``book``: running costs of the week.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model.engine import Simulation

HOOKS = ("start", "deliver", "respond", "harvest", "book")

Hook = Callable[["Simulation"], None]


@dataclass(frozen=True)
class Price:
    """What an action costs: now (EUR) and every following week (EUR per week)."""

    one_off: float = 0.0
    weekly: float = 0.0

    def until(self, weeks_left: int) -> float:
        """One-off plus the running cost for `weeks_left` weeks."""
        return self.one_off + self.weekly * max(weeks_left, 0)


@dataclass(frozen=True)
class Action:
    """A live intervention on a running simulation.

    `price(sim, **kw)` is what the engine will book for it (the same functions the
    lever books with); `blocked(sim, **kw)` names why it cannot be taken now, or None;
    `apply(sim, rng, **kw)` performs it and returns what happened, in words. `rng` is a
    generator of its own, so a decision does not shift the run's random stream.
    """

    name: str
    label: str
    description: str
    category: str  # the ledger category its costs are booked under
    price: Callable[..., Price]
    apply: Callable[..., str]
    blocked: Callable[..., str | None] = lambda sim, **kw: None
    defaults: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Lever:
    """One lever: the scenario keys it owns, its weekly hooks, its live actions."""

    name: str
    keys: tuple[str, ...]
    start: Hook | None = None
    deliver: Hook | None = None
    respond: Hook | None = None
    harvest: Hook | None = None
    book: Hook | None = None
    actions: tuple[Action, ...] = ()
    doc: str = ""

    def hook(self, name: str) -> Hook | None:
        return getattr(self, name)


def switch_action(
    name: str,
    label: str,
    description: str,
    category: str,
    price: Callable[..., Price],
    key: str,
    value: Any,
    outcome: str,
    already: str,
    book_now: bool = False,
) -> Action:
    """An action that switches scenario lever `key` to `value` from the next week on;
    the lever's own hooks then act and book. Blocked (`already`) while the key is set.
    `book_now`: the price's one-off part is booked at once (else the lever books it)."""

    def is_set(sim: Simulation) -> bool:
        node: Any = sim.scenario
        for part in key.split("."):
            node = getattr(node, part)
        return bool(node)

    def apply(sim: Simulation, rng: Any) -> str:
        one_off = (category, price(sim).one_off) if book_now else None
        return sim.switch_on({key: value}, outcome, one_off=one_off)

    return Action(
        name,
        label,
        description,
        category,
        price=price,
        apply=apply,
        blocked=lambda sim: already if is_set(sim) else None,
    )
