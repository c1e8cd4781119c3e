from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from trustdesk.core.errors import ValidationError

T = TypeVar("T")
MAX_PAGE_SIZE = 100
# A queue's total is counted up to this many, then shown as "at least": counting every
# one of a large helpdesk's tickets costs more than the page itself (185 ms for 310,000
# visible tickets of a million customers, bench/scale.py), and nobody pages that far.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    page_size: int
    total: int
    # True when counting stopped at the cap: there are ``total`` or more.
    total_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.total_capped
                                          and len(self.items) == self.page_size)

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    """Validate paging input and return the slice ``[start, stop)``."""
    if page < 1:
        raise ValidationError("page must be 1 or more.", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError(f"page_size must be 1 to {MAX_PAGE_SIZE}.", field="page_size")
    start = (page - 1) * page_size
    return start, start + page_size


def clamped(page: int, page_size: int, total: int, capped: bool = False
            ) -> tuple[int, int, int]:
    """``(page, start, stop)`` with a page past the end moved to the last one: a link
    kept from a longer list (or ``?page=999``) shows the last page, not an empty one.
    When the count stopped at the cap the end is unknown, and the page stays."""
    if not capped:
        page = min(page, max(1, -(-total // page_size)))
    start = (page - 1) * page_size
    return page, start, start + page_size


def capped_count(queryset, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """``(count, capped)``: the rows of ``queryset`` counted up to ``cap``, in one query
    that reads at most ``cap + 1`` of them."""
    found = queryset.order_by().values("pk")[:cap + 1].count()
    return (cap, True) if found > cap else (found, False)
