"""Generic scoped views (NetBox-style): list with filters, table and .xlsx export; detail;
create/edit through a service function. Every queryset comes from `Model.objects.visible_to`.

An app's view is usually a few lines::

    class HouseholdListView(ObjectListView):
        model = Household
        filterset_class = HouseholdFilterSet
        table_class = HouseholdTable
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .privacy import log_access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_PAGE_EXPORT_ROWS = 100_000


def scoped_queryset(model: type[Model], user: Any) -> QuerySet[Any]:
    return model.objects.visible_to(user)  # type: ignore[attr-defined]


def xlsx_response(filename: str, headers: list[str], rows: Any, sheet: str = "Sheet1") -> HttpResponse:
    """Write rows (iterables of cell values) as an .xlsx download with Chinese headers."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": True})
    ws = wb.add_worksheet(sheet[:31])
    bold = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    text = wb.add_format({"num_format": "@"})
    for c, h in enumerate(headers):
        ws.write_string(0, c, str(h), bold)
        ws.set_column(c, c, max(10, len(str(h)) * 2.2))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value), text)
    ws.freeze_panes(1, 0)
    wb.close()
    resp = HttpResponse(buf.getvalue(), content_type=XLSX)
    from urllib.parse import quote
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


class BoundedPaginator(Paginator):
    """`?per_page=` comes from the user: keep it between 1 and MAX_PER_PAGE.

    The count is bounded too: at most COUNT_CAP + 1 rows are counted (`SELECT COUNT(*) FROM
    (SELECT … LIMIT COUNT_CAP + 1)`, without the ordering), so a list over a million
    households does not count them all for every page; `capped` tells the template to say
    "more than COUNT_CAP" (narrow the filter to page further). Past the cap, on PostgreSQL,
    `estimate` is the planner's row estimate of the whole filtered query (EXPLAIN: table
    statistics, no scan) for the page to say "约 N" — pages still stop at COUNT_CAP rows, as
    a deep OFFSET costs as much as the count it avoids."""

    MAX_PER_PAGE = 500
    COUNT_CAP = 10_000

    def __init__(self, object_list: Any, per_page: int | str, *args: Any, **kwargs: Any) -> None:
        per_page = min(max(int(per_page), 1), self.MAX_PER_PAGE)
        super().__init__(object_list, per_page, *args, **kwargs)
        self.capped = False
        self.estimate: int | None = None

    def _queryset(self) -> QuerySet[Any] | None:
        qs = self.object_list
        for _ in range(3):  # django-tables2 wraps the queryset (rows -> data -> queryset)
            if isinstance(qs, QuerySet) or not hasattr(qs, "data"):
                break
            qs = qs.data
        return qs if isinstance(qs, QuerySet) else None

    @cached_property
    def count(self) -> int:
        qs = self._queryset()
        if qs is None:
            return int(super().count)
        n = int(qs.order_by().values("pk")[: self.COUNT_CAP + 1].count())
        self.capped = n > self.COUNT_CAP
        if self.capped:
            est = estimated_count(qs)
            self.estimate = max(est, self.COUNT_CAP + 1) if est is not None else None
        return min(n, self.COUNT_CAP)


def estimated_count(qs: QuerySet[Any]) -> int | None:
    """The planner's row estimate for a queryset (PostgreSQL; None elsewhere or on failure)."""
    from django.db import DatabaseError, connections

    conn = connections[qs.db]
    if conn.vendor != "postgresql":
        return None
    try:
        sql, params = qs.order_by().values("pk").query.sql_with_params()
        with conn.cursor() as cur:
            cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cur.fetchone()[0]
        if isinstance(plan, str):
            import json
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])
    except (DatabaseError, LookupError, TypeError, ValueError):
        return None


class ObjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """A filtered, paginated table of the rows the user may see; `?export=xlsx` downloads it."""

    model: type[Model]
    template_name = "core/object_list.html"
    # Only the table paginates: a ListView `paginate_by` would paginate (and COUNT) the
    # queryset a second time.
    paginate_by = None
    table_pagination = {"per_page": 50}
    paginator_class = BoundedPaginator
    title = ""
    add_url_name = ""
    export_filename = ""

    def get_queryset(self) -> QuerySet[Any]:
        return scoped_queryset(self.model, self.request.user)

    def get_title(self) -> str:
        return self.title or str(self.model._meta.verbose_name_plural)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.get_title()
        ctx["add_url_name"] = self.add_url_name
        ctx["query_string"] = self.request.GET.urlencode()
        return ctx

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def export_xlsx(self) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table = self.get_table_class()(qs[:MAX_PAGE_EXPORT_ROWS])
        table.request = self.request  # columns that mask personal data need the user
        columns = [c for c in table.columns if c.name not in ("actions",)]
        headers = [str(c.header) for c in columns]
        rows = ([str(row.get_cell_value(c.name) or "") for c in columns] for row in table.rows)
        log_access(self.request.user, "export", self.model._meta.label, "",
                   detail=self.request.GET.urlencode()[:300])
        name = self.export_filename or self.get_title()
        return xlsx_response(f"{name}_{timezone.localdate():%Y%m%d}.xlsx", headers, rows, name)


class ObjectDetailView(LoginRequiredMixin, DetailView):
    """Detail of one row; outside the user's scope it does not exist (404)."""

    def get_queryset(self) -> QuerySet[Any]:
        return scoped_queryset(self.model, self.request.user)


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid data is handed to a service function.

    Subclasses implement `perform(form)` calling the app's service and returning the object
    (or URL) to go to; service ValidationErrors land on the form's fields in Chinese, and
    PermissionDenied becomes 403.
    """

    success_message = "已保存"
    template_name = "core/object_form.html"
    title = ""

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title
        return ctx

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            target = self.perform(form)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied:
            raise
        messages.success(self.request, self.success_message)
        if isinstance(target, str):
            return redirect(target)
        return redirect(target.get_absolute_url())


def apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's errors on the form fields they name (others on the form itself)."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            target = field if field in form.fields else None
            for msg in errs:
                form.add_error(target, msg if target else f"{msg}")
    else:
        for msg in exc.messages:
            form.add_error(None, msg)


def get_scoped_object(model: type[Model], user: Any, **lookup: Any) -> Any:
    return get_object_or_404(scoped_queryset(model, user), **lookup)
