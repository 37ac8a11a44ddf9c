"""Filters shared by every app's FilterSets."""

from typing import Any

import django_filters as df
from django import forms

MAX_ID = 2**63 - 1


class IdFilter(df.NumberFilter):
    """A row id in the query string: a whole number within the database's range, so a
    mangled or huge value is a field error, never a database overflow."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class YearFilter(df.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)
