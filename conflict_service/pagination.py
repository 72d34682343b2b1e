"""One page of a list: two statements (count + rows) whatever the page size."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from conflict_service.db import db


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


class CountedAlongside(Page):
    """A page whose total is still being counted (:meth:`Database.scalar_alongside`) while its rows are shown: the
    first use of ``total`` (or of ``pages``, ``has_next``) waits for the count."""

    def __init__(self, items: list[Any], page: int, per_page: int, count: Callable[[], int | None]):  # noqa: D107
        self.items, self.page, self.per_page, self._count = items, page, per_page, count

    @cached_property
    def total(self) -> int:  # type: ignore[override]
        return self._count() or 0


def paginate(stmt: sa.Select, page: int, per_page: int, *, unique: bool = False) -> Page:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(rows.unique() if unique else rows)
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
