"""Which goals a catalog publishes, and which one the SMART guide shows as its worked example.

Validation and the Catalog build both decide with these functions, so a catalog that validates
always has a goal to show.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from generator.catalog.model import AUDIENCES


def disabled_ids(organization: dict[str, Any]) -> set[str]:
    """Goal ids organization.yml hides with `disabled_goals`."""
    return set(organization.get("disabled_goals") or ())


def is_enabled(goal_id: str, goal: dict[str, Any], disabled: Collection[str]) -> bool:
    """A goal is published unless it says `enabled: false` or organization.yml disables it."""
    return goal.get("enabled", True) is not False and goal_id not in disabled


def worked_example_id(configured: str, enabled: Sequence[str]) -> str:
    """smart.yml's worked example when it is published, else the first published goal."""
    return configured if configured in enabled else enabled[0]


def catalog_order(goal_id: str, goal: dict[str, Any]) -> tuple[int, int, str]:
    """Sort key of the published goals: audience, then `order`, then id."""
    return (AUDIENCES.index(goal["audience"]), goal.get("order", 10000), goal_id)
