"""Pages: upload runs the import as a job and ends on the result; refusals; permissions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fupin.core.models import Job
from fupin.ledgers.models import ImportBatch

from .builders import household, write_csv

pytestmark = pytest.mark.django_db


def _upload(client, path, captured, **extra):
    with captured(execute=True):
        resp = client.post(reverse("ledgers:import"), {
            "file": SimpleUploadedFile(path.name, path.read_bytes()), **extra})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    job = Job.objects.get()
    assert resp["Location"] == reverse("job_detail", args=[job.pk])
    return job


def test_upload_runs_a_job_and_shows_counts(client, tmp_path, village_cadre,
                                            django_capture_on_commit_callbacks):
    client.force_login(village_cadre)
    assert client.get(reverse("ledgers:import")).status_code == 200
    ordinary = {"户类型": "一般农户", "脱贫年度": ""}
    rows = household("WEB0001", head_extra=ordinary) + household("WEB0002", village="500236002001", head_extra=ordinary)
    job = _upload(client, write_csv(tmp_path / "web.csv", rows), django_capture_on_commit_callbacks)
    assert job.status == "done", job.error
    progress = client.get(reverse("job_detail", args=[job.pk]), headers={"Accept": "application/json"}).json()
    assert progress["percent"] == 100 and progress["result_url"] == reverse("ledgers:job_result", args=[job.pk])
    resp = client.get(progress["result_url"])
    batch = ImportBatch.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("ledgers:batch", args=[batch.pk])
    page = client.get(resp["Location"]).content.decode()
    assert 'data-count="read">6<' in page and 'data-count="rejected">3<' in page
    assert "不在您的管辖范围内" in page
    report = client.get(reverse("ledgers:batch_report", args=[batch.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxml")
    assert batch.user == village_cadre


def test_refused_upload_shows_the_reason(client, tmp_path, village_cadre, django_capture_on_commit_callbacks):
    client.force_login(village_cadre)
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,年龄\n张三,3\n", encoding="utf-8")
    job = _upload(client, bad, django_capture_on_commit_callbacks)
    page = client.get(reverse("ledgers:job_result", args=[job.pk])).content.decode()
    assert "拒绝导入" in page and "找不到台账表头" in page
    assert ImportBatch.objects.count() == 0


def test_upload_form_refuses_wrong_type_and_size(client, village_cadre, settings):
    client.force_login(village_cadre)
    resp = client.post(reverse("ledgers:import"), {"file": SimpleUploadedFile("a.docx", b"x" * 10)})
    assert "不支持的文件类型" in resp.content.decode()
    settings.FUPIN_MAX_UPLOAD_BYTES = 5
    resp = client.post(reverse("ledgers:import"), {"file": SimpleUploadedFile("a.csv", b"x" * 10)})
    assert "超过上限" in resp.content.decode()
    assert Job.objects.count() == 0


def test_readers_cannot_upload(client, inspector):
    client.force_login(inspector)
    assert client.get(reverse("ledgers:import")).status_code == 403


def test_export_page_runs_a_job(client, tmp_path, village_cadre, run_import,
                                django_capture_on_commit_callbacks):
    run_import(write_csv(tmp_path / "a.csv", household("EXPW001")))
    client.force_login(village_cadre)
    page = client.get(reverse("ledgers:export")).content.decode()
    assert "500236001001" in page and "500236002001" not in page
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("ledgers:export"), {"area": "500236001001"})
    job = Job.objects.get(kind="ledger_export")
    assert resp.status_code == 302 and job.status == "done", job.error
    result = client.get(reverse("ledgers:job_result", args=[job.pk])).content.decode()
    assert "已导出 1 户、3 人" in result
    download = client.get(reverse("ledgers:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert client.post(reverse("ledgers:export"), {"area": "500236002001"}).status_code == 200  # not a choice


def test_template_download(client, village_cadre):
    client.force_login(village_cadre)
    resp = client.get(reverse("ledgers:template"))
    assert resp.status_code == 200 and resp.content[:2] == b"PK"


def test_other_users_batches_are_hidden(client, tmp_path, run_import, village_cadre):
    from fupin.core.testing import make_user
    batch = run_import(write_csv(tmp_path / "a.csv", household("HID0001", village="500236002001")))
    client.force_login(village_cadre)
    assert client.get(reverse("ledgers:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("ledgers:batch_report", args=[batch.pk])).status_code == 404
    other = make_user("township_staff", "500236002")
    client.force_login(other)
    assert client.get(reverse("ledgers:batch", args=[batch.pk])).status_code == 200
