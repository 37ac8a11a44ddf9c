"""Shared REST machinery: pagination, error format, scoped viewsets."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class StandardPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000


def validation_detail(exc: DjangoValidationError) -> dict[str, Any] | list[str]:
    if hasattr(exc, "error_dict"):
        return {("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
                for k, v in exc.message_dict.items()}
    return {"non_field_errors": exc.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Service-layer errors become 400 with field errors, or 403; never 500."""
    if isinstance(exc, DjangoValidationError):
        return Response(validation_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "没有权限")
    if isinstance(exc, OverflowError):
        # A number beyond what the database stores, in a parameter no form bounded.
        return Response({"non_field_errors": ["参数中的数值超出范围"]},
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到，或不在您的管辖范围内")
    return drf_exception_handler(exc, context)


class ScopedViewSetMixin:
    """Every API queryset goes through the model's `visible_to(user)`."""

    queryset: Any

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return self.queryset.visible_to(self.request.user)  # type: ignore[attr-defined]
