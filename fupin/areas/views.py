"""Area pages: the tree of the user's areas, and one area with the areas below it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .filters import area_tree, visible_areas


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    return render(request, "areas/area_tree.html", {"tree": area_tree(request.user)})


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(visible_areas(request.user), code=code)
    children = visible_areas(request.user).filter(parent=area).order_by("code")
    return render(request, "areas/area_detail.html", {
        "area": area, "ancestors": area.ancestors(), "children": children})
