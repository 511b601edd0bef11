"""Every lever of a change programme, one module each (see `model.levers.base`).

`LEVERS` fixes the order in which levers act within each hook of the week. To add a
lever: write its module (scenario keys, hooks, costs, actions), add its scenario
section to model/scenario.py and its coefficients to model/parameters.py, list it
here; tests/test_completeness.py names whatever else is missing (editor, ODD entry,
effect check).
"""

from __future__ import annotations

from model.levers import (
    advisers,
    anchoring,
    anticipation,
    champions,
    communication,
    concern_board,
    leadership,
    quick_wins,
    rollout,
    training,
    transparency,
    works_council,
)
from model.levers.base import HOOKS, Action, Lever, Price
from model.levers.events import EVENTS

LEVERS: tuple[Lever, ...] = (
    rollout.LEVER,
    quick_wins.LEVER,
    champions.LEVER,
    leadership.LEVER,
    advisers.LEVER,
    anticipation.LEVER,
    concern_board.LEVER,
    works_council.LEVER,
    anchoring.LEVER,
    communication.LEVER,
    transparency.LEVER,
    training.LEVER,
)

ACTIONS: dict[str, Action] = {a.name: a for lever in LEVERS for a in lever.actions}
# event cards (model.levers.events): applied like actions, never offered as levers


def hooks(name: str) -> tuple:
    """The functions of every lever for hook `name`, in lever order."""
    return tuple(h for lever in LEVERS if (h := lever.hook(name)) is not None)


__all__ = ["ACTIONS", "EVENTS", "HOOKS", "LEVERS", "Action", "Lever", "Price", "hooks"]
