"""What a run does, decided before anything is done (pure: no I/O of its own).

Both sides are maps of relative paths to sizes. A path of the source is sent when the
destination lacks it, holds another size, or holds other content (``same_content``:
the etags compared; asked only when the sizes agree, so a file of another size is not
read for nothing). With ``delete``, a path only the destination holds is deleted. A path
that does not take part (``selects`` false: excluded) or is protected (left alone by
the walk) is neither sent nor deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from ..errors import WcsInputError

__all__ = ["Plan", "RunawayDelete", "check_delete_limit", "plan_copy", "plan_sync"]


@attrs.frozen
class Plan:
    send: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    delete: tuple[str, ...] = ()


class RunawayDelete(WcsInputError):
    """More deletions than ``--max-delete`` allows: the run does nothing."""


def _takes_part(rel: str, selects: Callable[[str], bool], protected: Callable[[str], bool]) -> bool:
    return selects(rel) and not protected(rel)


def plan_sync(
    source: Mapping[str, int],
    destination: Mapping[str, int],
    *,
    same_content: Callable[[str], bool],
    delete: bool = False,
    selects: Callable[[str], bool] = lambda rel: True,
    protected: Callable[[str], bool] = lambda rel: False,
) -> Plan:
    """The plan of a sync (see the module); paths in sorted order."""
    send: list[str] = []
    unchanged: list[str] = []
    for rel in sorted(source):
        if not _takes_part(rel, selects, protected):
            continue
        there = destination.get(rel)
        if there is not None and there == source[rel] and same_content(rel):
            unchanged.append(rel)
        else:
            send.append(rel)
    gone: list[str] = []
    if delete:
        gone = [
            rel
            for rel in sorted(destination)
            if rel not in source and _takes_part(rel, selects, protected)
        ]
    return Plan(send=tuple(send), unchanged=tuple(unchanged), delete=tuple(gone))


def plan_copy(
    source: Mapping[str, int],
    *,
    selects: Callable[[str], bool] = lambda rel: True,
    protected: Callable[[str], bool] = lambda rel: False,
) -> Plan:
    """The plan of a recursive put or get: every path that takes part is sent."""
    return Plan(send=tuple(rel for rel in sorted(source) if _takes_part(rel, selects, protected)))


def check_delete_limit(plan: Plan, max_delete: int | None) -> None:
    """Refuse a plan deleting more than ``max_delete`` paths (None: no limit)."""
    if max_delete is not None and len(plan.delete) > max_delete:
        raise RunawayDelete(
            f"refusing to delete {len(plan.delete)} files, more than --max-delete "
            f"{max_delete}: nothing was sent or deleted (see them with --dry-run)"
        )
