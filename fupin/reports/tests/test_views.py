"""Pages, exports and commands: figures shown, scope enforced, xlsx downloads."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from fupin.core.testing import TOWNSHIP_A, VILLAGE_A, make_user
from fupin.reports.models import AssessmentTarget, Scorecard

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def built(code: str = "500236", *days: dt.date) -> None:
    """Build the snapshots a page reads (pages never build them inside a request)."""
    from fupin.reports import aggregates
    aggregates.ensure(code, list(days) or [timezone.localdate()])


def test_dashboard_county_admin(client, county_admin, small_registry):
    built()
    client.force_login(county_admin)
    resp = client.get(reverse("reports:dashboard"))  # default: the user's scope
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "奉节县 驾驶舱" in body
    assert 'data-key="hh_poor" data-value="2"' in body and 'data-key="pp_registered" data-value="11"' in body
    assert "vendor/echarts/echarts.min.js" in body and "chart-treemap" in body
    assert f"?area={TOWNSHIP_A}" in body


def test_dashboard_village_links_household_list(client, county_admin, small_registry):
    built()
    client.force_login(county_admin)
    resp = client.get(reverse("reports:dashboard"), {"area": VILLAGE_A})
    assert resp.status_code == 200
    assert 'data-key="hh_total" data-value="3"' in resp.content.decode()


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:ranking", "reports:assessment",
                                  "reports:mpi", "reports:bulletin", "reports:indicators"])
def test_outside_scope_is_404(client, township_staff, small_registry, name):
    client.force_login(township_staff)
    assert client.get(reverse(name), {"area": small_registry["b1"]}).status_code == 404
    assert client.get(reverse(name), {"area": "500236"}).status_code == 404
    assert client.get(reverse(name), {"area": TOWNSHIP_A}).status_code in (200, 302)


def test_anonymous_redirected(client):
    assert client.get(reverse("reports:dashboard")).status_code == 302


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:ranking", "reports:assessment",
                                  "reports:mpi"])
def test_exports_xlsx(client, county_admin, small_registry, name):
    client.force_login(county_admin)
    resp = client.get(reverse(name), {"area": "500236", "export": "xlsx"})
    assert resp.status_code == 200 and resp["Content-Type"] == XLSX
    from python_calamine import CalamineWorkbook
    wb = CalamineWorkbook.from_filelike(io.BytesIO(resp.content))
    assert wb.sheet_names


def test_dashboard_export_figures(client, county_admin, small_registry):
    built()
    client.force_login(county_admin)
    resp = client.get(reverse("reports:dashboard"), {"area": TOWNSHIP_A, "export": "xlsx"})
    from python_calamine import CalamineWorkbook
    rows = CalamineWorkbook.from_filelike(io.BytesIO(resp.content)).get_sheet_by_index(0).to_python()
    header = rows[2]
    total = rows[-1]
    assert total[header.index("农户数")] == 5 and total[header.index("未脱贫人口")] == 3


def test_indicators_json(client, county_admin, small_registry):
    built("500236", dt.date(2026, 2, 28))
    client.force_login(county_admin)
    data = client.get(reverse("reports:indicators"), {"area": "500236",
                                                      "as_of": "2026-02-28"}).json()
    assert data["figures"]["pp_poor"] == 8
    assert sum(c["figures"]["pp_poor"] for c in data["children"]) == 8


def test_ranking_page_explains(client, county_admin, small_registry):
    client.force_login(county_admin)
    resp = client.get(reverse("reports:ranking"), {"area": "500236", "year": 2026, "quarter": 1})
    body = resp.content.decode()
    assert resp.status_code == 200 and "得分说明" in body and "排第 1 名" in body


def test_scorecard_edit_county_admin_only(client, county_admin, township_staff, small_registry):
    client.force_login(township_staff)
    assert client.get(reverse("reports:scorecard_add"), {"area": TOWNSHIP_A}).status_code == 403
    client.force_login(county_admin)
    resp = client.post(reverse("reports:scorecard_add") + "?area=500236", {
        "area": "500236", "name": "2026 排名", "level": "village", "rows": "2",
        "indicator_0": "hh_poor", "weight_0": "2", "direction_0": "lower",
        "normalisation_0": "minmax", "indicator_1": "pp_monitored", "weight_1": "1",
        "direction_1": "lower", "normalisation_1": "best_ratio"})
    assert resp.status_code == 302
    card = Scorecard.objects.get(name="2026 排名")
    assert card.items.count() == 2
    page = client.get(reverse("reports:ranking"), {"area": TOWNSHIP_A, "scorecard": card.pk})
    assert "未脱贫户户数" in page.content.decode()


def test_assessment_target_form(client, county_admin, small_registry):
    client.force_login(county_admin)
    resp = client.post(reverse("reports:assessment"), {
        "area": "500236", "year": "2026", "target_area": "500236", "indicator": "hh_poor",
        "target": "1", "direction": "lower", "weight": "10"})
    assert resp.status_code == 302
    assert AssessmentTarget.objects.filter(area_id="500236", indicator="hh_poor").exists()
    from fupin.reports.assessment import assessment_day
    built("500236", assessment_day(2026))
    page = client.get(reverse("reports:assessment"), {"area": "500236", "year": 2026})
    assert "未完成" in page.content.decode()


def test_mpi_page(client, county_admin, small_registry):
    client.force_login(county_admin)
    resp = client.get(reverse("reports:mpi"), {"area": "500236", "k": "0.25"})
    assert resp.status_code == 200 and 'id="mpi-M0"' in resp.content.decode()


def test_mpi_large_area_runs_as_job(client, county_admin, small_registry, monkeypatch,
                                    django_capture_on_commit_callbacks):
    from fupin.core.jobs import run_job
    from fupin.core.models import Job
    from fupin.reports import views
    monkeypatch.setattr(views, "MPI_INLINE_HOUSEHOLDS", 2)
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=False):
        resp = client.get(reverse("reports:mpi"), {"area": "500236", "k": "0.25"})
    assert resp.status_code == 302
    job = run_job(Job.objects.get(kind="reports.mpi").pk)
    assert job.status == "done", job.error
    page = client.get(reverse("reports:mpi_result", args=[job.pk]))
    assert page.status_code == 200 and 'id="mpi-M0"' in page.content.decode()
    xlsx = client.get(reverse("reports:mpi_result", args=[job.pk]), {"export": "xlsx"})
    assert xlsx["Content-Type"] == XLSX


def test_bulletin_job_from_page(client, county_admin, small_registry, settings, tmp_path,
                                django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resp = client.post(reverse("reports:bulletin"), {"area": "500236", "month": "2026-03"})
    assert resp.status_code == 302 and len(callbacks) == 1
    from fupin.core.jobs import run_job
    from fupin.core.models import Job
    # run the queued job here: the task wrapper's close_old_connections() would close the
    # test's connection on PostgreSQL
    job = run_job(Job.objects.get(kind="reports.bulletin").pk)
    assert job.status == "done", job.error
    pdf = client.get(reverse("reports:bulletin_file", args=[job.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:4] == b"%PDF"
    other = make_user("county_admin", "500236")
    client.force_login(other)
    assert client.get(reverse("reports:bulletin_file", args=[job.pk, "pdf"])).status_code == 404


def test_command_indicators_json(small_registry, capsys):
    out = io.StringIO()
    call_command("report", "indicators", "--area", "500236", "--as-of", "2026-02-28", "--json",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert data["figures"]["hh_poor"] == 2 and data["figures"]["pp_total"] == 17


def test_command_scope_refused(small_registry):
    make_user("township_staff", TOWNSHIP_A, username="t1")
    with pytest.raises(CommandError, match="不在用户"):
        call_command("report", "indicators", "--area", "500236", "--user", "t1", "--json")


def test_command_bulletin(small_registry, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    out = io.StringIO()
    call_command("report", "bulletin", "--area", "500236", "--month", "2026-03",
                 "--out", str(tmp_path / "out"), stdout=out)
    assert (tmp_path / "out" / "bulletin_500236_2026-03.pdf").exists()
    assert (tmp_path / "out" / "bulletin_500236_2026-03.xlsx").exists()


def test_province_indicators_run_as_job(small_registry):
    out = io.StringIO()
    call_command("report", "indicators", "--area", "50", "--json", stdout=out)
    assert json.loads(out.getvalue())["figures"]["hh_total"] == 6


def test_dashboard_never_builds_snapshots_in_the_request(client, county_admin, small_registry,
                                                         django_capture_on_commit_callbacks):
    """A GET with missing snapshots writes no figures: it says so and starts the refresh job
    (once); the job builds them and the page then shows the figures without the notice."""
    from fupin.core.models import Job
    from fupin.reports.models import AreaFigure, AreaFigureRun
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.get(reverse("reports:dashboard"))
        second = client.get(reverse("reports:dashboard"))
    assert not AreaFigure.objects.exists() and not AreaFigureRun.objects.exists()
    assert "snapshot-notice" in first.content.decode() and "正在后台重新生成" in first.content.decode()
    assert 'data-key="hh_poor" data-value="0"' in first.content.decode()
    assert Job.objects.filter(kind="reports.refresh").count() == 1  # the second GET reuses it
    assert "snapshot-notice" in second.content.decode()
    for run in callbacks:
        run()  # the worker picks the job up
    job = Job.objects.get(kind="reports.refresh")
    assert job.status == "done", job.error
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "snapshot-notice" not in page
    assert 'data-key="hh_poor" data-value="2"' in page


def test_indicators_json_without_snapshots(client, county_admin, small_registry,
                                           django_capture_on_commit_callbacks):
    """Missing snapshots: a village is read live, a county answers 202 with the refresh job
    (which the worker, not the request, runs)."""
    from fupin.reports.models import AreaFigure
    client.force_login(county_admin)
    village = client.get(reverse("reports:indicators"), {"area": VILLAGE_A})
    assert village.status_code == 200 and village.json()["figures"]["hh_total"] == 3
    with django_capture_on_commit_callbacks(execute=False):
        county = client.get(reverse("reports:indicators"), {"area": "500236"})
    assert county.status_code == 202 and "/jobs/" in county.json()["job"]
    assert not AreaFigure.objects.exists()
