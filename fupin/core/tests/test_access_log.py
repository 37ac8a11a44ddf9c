"""Issue 12, point 6: every unmasked read of personal data is logged. A county admin (who
sees full IDs, phones, health) walks the API and the pages that show them; each read adds
exactly one access-log row naming the user. A masked role's reads are not "unmasked" and the
log stays as it is for the API."""

import pytest
from django.test import TestCase

from fupin.core.models import AccessLog
from fupin.core.testing import VILLAGE_A, make_household, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    admin = make_user("county_admin", "500236", username="admin")
    hh = make_household(VILLAGE_A)
    return admin, hh, hh.members.get()


def _reads(hh, member):
    return [
        "/api/members/", f"/api/members/{member.pk}/", "/api/members/?page_size=1000",
        "/api/households/", f"/api/households/{hh.pk}/",
        f"/registry/households/{hh.pk}/", f"/registry/households/{hh.pk}/edit/",
        f"/registry/members/{member.pk}/edit/", "/registry/households/?export=xlsx",
    ]


def test_each_unmasked_read_writes_one_log_row(client, world):
    admin, hh, member = world
    client.force_login(admin)
    for url in _reads(hh, member):
        before = AccessLog.objects.count()
        resp = client.get(url)
        assert resp.status_code == 200, url
        rows = list(AccessLog.objects.order_by("-pk")[:AccessLog.objects.count() - before])
        assert len(rows) == 1, f"{url}: {len(rows)} log rows"
        assert rows[0].user_id == admin.pk
    detail = AccessLog.objects.filter(action="view", object_type="registry.Member",
                                      object_id=str(member.pk))
    assert detail.count() == 2  # API detail and the edit page


def test_ledger_export_download_is_logged(client, world):
    admin, hh, member = world
    from fupin.core.models import Job

    client.force_login(admin)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/ledgers/export/", {"area": VILLAGE_A})
    job = Job.objects.filter(kind="ledger_export").latest("pk")
    before = AccessLog.objects.filter(action="download").count()
    resp = client.get(f"/ledgers/export/{job.pk}/download/")
    assert resp.status_code == 200
    assert AccessLog.objects.filter(action="download").count() == before + 1
    row = AccessLog.objects.filter(action="download").latest("pk")
    assert row.user_id == admin.pk and "未脱敏" in row.detail


def test_masked_api_reads_are_not_logged_as_unmasked(client, world):
    admin, hh, member = world
    client.force_login(make_user("inspector", "500236"))
    before = AccessLog.objects.count()
    for url in ("/api/members/", f"/api/members/{member.pk}/", f"/api/households/{hh.pk}/"):
        assert client.get(url).status_code == 200
    assert AccessLog.objects.count() == before
