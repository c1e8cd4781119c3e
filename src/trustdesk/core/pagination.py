from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from trustdesk.core.errors import ValidationError

T = TypeVar("T")
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

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
