"""Where sealed values live, so that key rotation can find and re-encrypt them without the
vault importing the apps that own them. Apps register their columns in ``ready()``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class SealedColumn:
    model: str  # "app_label.Model"
    column: str
    # subject -> the rows that hold that subject's ciphertexts in this column
    rows_of: Callable[[QuerySet, str], QuerySet]
    # row -> the purpose the value was sealed for
    purpose_of: Callable[[Model], str]
    also_load: tuple[str, ...] = ()

    def queryset(self, subject: str) -> QuerySet:
        model = apps.get_model(self.model)
        rows = self.rows_of(model._default_manager.all(), subject)
        return rows.only("pk", self.column, *self.also_load)


_columns: list[SealedColumn] = []


def register(column: SealedColumn) -> None:
    if column not in _columns:
        _columns.append(column)


def columns() -> tuple[SealedColumn, ...]:
    return tuple(_columns)
