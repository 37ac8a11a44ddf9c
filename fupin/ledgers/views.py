"""Pages: upload (runs the import as a background job), result, rejected-rows report,
import history, export (background job) and the template download. Views stay thin: the
work is in services."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from fupin.accounts.scope import area_in_scope
from fupin.core.jobs import start_job
from fupin.core.models import Job
from fupin.core.privacy import log_access, sees_personal

from .forms import ExportForm, ImportForm
from .models import ImportBatch, StagedRow
from .services.template import template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT, EXPORT = "ledger_import", "ledger_export"


def _require_writer(request: HttpRequest) -> None:
    user = request.user
    if not getattr(user, "is_writer", False) or not (user.is_superuser or user.scope_codes):  # type: ignore[union-attr]
        raise PermissionDenied("只有县、乡镇、村的工作人员可以在其管辖范围内导入台账")


def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "ledgers" / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        target = _upload_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with open(target, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        user = request.user
        job = start_job(IMPORT, f"导入台账 {upload.name}", user=user,
                        area_code=(user.scope_codes or ("",))[0],  # type: ignore[union-attr]
                        params={"path": str(target), "file_name": upload.name, "user_id": user.pk,
                                "dry_run": form.cleaned_data["dry_run"], "delete_after": True,
                                "baseline": form.cleaned_data.get("baseline", False)})
        return redirect("job_detail", pk=job.pk)
    recent = ImportBatch.objects.visible_to(request.user)[:10]
    return render(request, "ledgers/import.html", {"form": form, "recent": recent,
                                                   "max_mb": settings.FUPIN_MAX_UPLOAD_BYTES // 1024 // 1024})


@login_required
def job_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user).filter(kind__in=(IMPORT, EXPORT)), pk=pk)
    if job.kind == IMPORT:
        if job.result.get("batch_id"):
            return redirect("ledgers:batch", pk=job.result["batch_id"])
        return render(request, "ledgers/refused.html", {"job": job})
    return render(request, "ledgers/export_result.html", {"job": job})


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
    personal = sees_personal(request.user)
    rejected = (StagedRow.objects.filter(batch=batch, rejected=True).order_by("row_no")[:100]
                if personal else [])
    return render(request, "ledgers/batch_detail.html", {"batch": batch, "rejected": rejected,
                                                          "personal": personal})


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = ImportBatch.objects.visible_to(request.user).select_related("user")[:200]
    return render(request, "ledgers/batch_list.html", {"batches": batches})


@login_required
def batch_report(request: HttpRequest, pk: int) -> FileResponse:
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
    if not sees_personal(request.user):
        raise PermissionDenied("拒收报告含完整身份证号，您的角色不能下载")
    if not batch.report_file or not Path(batch.report_file).exists():
        raise Http404("本次导入没有拒收行")
    log_access(request.user, "export", "ledgers.ImportBatch", batch.pk, area_code=batch.area_code,
               detail="下载拒收报告")
    return FileResponse(open(batch.report_file, "rb"), as_attachment=True,
                        filename=f"台账导入{batch.pk}_拒收行.xlsx", content_type=XLSX)


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        area = form.cleaned_data["area"]
        if not area_in_scope(request.user, area):
            raise PermissionDenied(f"区划 {area} 不在您的管辖范围内")
        job = start_job(EXPORT, f"导出台账 {area}", user=request.user, area_code=area,
                        params={"area_code": area, "user_id": request.user.pk})
        return redirect("job_detail", pk=job.pk)
    return render(request, "ledgers/export.html", {"form": form, "personal": sees_personal(request.user)})


@login_required
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user).filter(kind=EXPORT, status="done"), pk=pk)
    if not job.output_file or not Path(job.output_file).exists():
        raise Http404("导出文件已不存在，请重新导出")
    log_access(request.user, "download", "ledgers.export", job.pk, job.area_code,
               detail="下载台账导出" + ("（未脱敏）" if not job.result.get("masked") else "（已脱敏）"))
    return FileResponse(open(job.output_file, "rb"), as_attachment=True, content_type=XLSX,
                        filename=f"台账_{job.result.get('area_code', '')}_{job.created_at:%Y%m%d}.xlsx")


@login_required
def template_view(request: HttpRequest) -> HttpResponse:
    resp = HttpResponse(template_bytes(), content_type=XLSX)
    from urllib.parse import quote
    resp["Content-Disposition"] = (f"attachment; filename*=UTF-8''{quote('台账导入模板')}_"
                                   f"{timezone.localdate():%Y%m%d}.xlsx")
    return resp
