from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from fupin.accounts.actors import actor_of
from fupin.accounts.scope import can_write_area
from fupin.core.generic import ObjectListView, ServiceFormView, get_scoped_object
from fupin.core.privacy import log_access
from fupin.registry.models import Household

from .. import services
from ..filters import VisitFilter
from ..forms import VisitForm
from ..models import Visit, VisitPhoto
from ..tables import VisitTable


class VisitListView(ObjectListView):
    model = Visit
    filterset_class = VisitFilter
    table_class = VisitTable
    title = "走访记录"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("household__area", "helper")


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_scoped_object(Visit, request.user, pk=pk)
    return render(request, "assistance/visit_detail.html", {
        "visit": visit, "photos": visit.photos.all(), "problems": visit.problems.all(),
        # the visit's location is personal data: writers of the household's area only
        "show_location": can_write_area(request.user, visit.household.area_id)})


@login_required
def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_scoped_object(VisitPhoto, request.user, pk=pk)
    log_access(request.user, "download", "assistance.VisitPhoto", photo.pk,
               photo.visit.household.area_id)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@login_required
def visit_evidence(request: HttpRequest, pk: int, which: str) -> FileResponse:
    """The check-in photo or the drawn signature of a visit the user sees."""
    visit = get_scoped_object(Visit, request.user, pk=pk)
    f = {"checkin": visit.checkin_photo, "signature": visit.signature}.get(which)
    if not f:
        raise Http404("没有该凭证")
    ctype = "image/png" if which == "signature" else (mimetypes.guess_type(f.name)[0] or "image/jpeg")
    return FileResponse(f.open("rb"), content_type=ctype)


class VisitCreateView(ServiceFormView):
    form_class = VisitForm
    template_name = "assistance/visit_form.html"
    success_message = "走访已记录"

    def household(self) -> Household:
        if not hasattr(self, "_household"):
            self._household = get_scoped_object(Household, self.request.user, pk=self.kwargs["household_pk"])
        return self._household

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "household": self.household()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["household"] = self.household()
        ctx["title"] = "记录走访"
        return ctx

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.record_visit(
            actor=actor_of(self.request), household=self.household(), visited_on=d["visited_on"],
            channel=d["channel"], findings=d["findings"], policies_explained=d["policies_explained"],
            measures_agreed=d["measures_agreed"], updates=form.updates(), problems=form.problems(),
            photos=d["photos"], **form.evidence())
