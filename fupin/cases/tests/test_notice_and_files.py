import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from fupin.areas.models import Area
from fupin.cases import services
from fupin.cases.attachments import check_upload
from fupin.cases.choices import Action
from fupin.cases.notice import render_notice_pdf
from fupin.core.testing import VILLAGE_A, make_household, member_data

from .helpers import Team, advance, at, docx_file, open_id, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return Team(VILLAGE_A)


def _noticed(team, name, phone, rid_holder, *, sick=True):
    head = member_data(name, chronic_illness=sick, serious_illness=sick, phone=phone,
                       disabled=sick, disability_grade="2" if sick else "")
    rid_holder.append(head["resident_id"])
    household = make_household(VILLAGE_A, members=[head], group="三组", phone=phone,
                               bank_account="6228480012345678901")
    case = advance(team, open_id(team, household, main_risk="illness",
                                 monitoring_type="edge", lead=f"{name}患尿毒症，透析费用高"),
                   until="notice")
    services.act(actor=team.village, case=case, step="notice", action=Action.START_NOTICE,
                 version=case.version, data={"days": 5}, now=at(2026, 3, 9))
    return household


def test_notice_pdf_lists_households_without_personal_data(team):
    ids: list[str] = []
    _noticed(team, "王大山", "13800138000", ids)
    _noticed(team, "李小花", "13912345678", ids)
    pdf = render_notice_pdf(Area.objects.get(code=VILLAGE_A), dt.date(2026, 3, 10))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "王大山" in compact and "李小花" in compact
    assert "三组" in compact and "边缘易致贫户" in compact and "公示" in compact
    assert "2026年3月9日至2026年3月13日" in compact
    for rid in ids:
        assert rid not in compact and rid[-6:] not in compact
    for secret in ("13800138000", "13912345678", "6228480012345678901", "尿毒症", "透析",
                   "慢性病", "大病", "残疾"):
        assert secret not in compact, secret


def test_notice_page_and_pdf_views(client, team):
    ids: list[str] = []
    _noticed(team, "王大山", "13800138000", ids)
    client.force_login(team.village)
    page = client.get(f"/cases/notice/{VILLAGE_A}/?date=2026-03-10").content.decode()
    assert "王大山" in page and ids[0] not in page and "13800138000" not in page
    resp = client.get(f"/cases/notice/{VILLAGE_A}/pdf/?date=2026-03-10")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    # a case rejected during its notice leaves the notice
    from fupin.cases.models import Case
    case = Case.objects.get(household__head_name="王大山")
    services.act(actor=team.village, case=case, step="notice", action=Action.REJECT,
                 version=case.version, comment="异议成立", now=at(2026, 3, 11))
    assert "王大山" in client.get(f"/cases/notice/{VILLAGE_A}/?date=2026-03-10").content.decode()
    assert "王大山" not in client.get(f"/cases/notice/{VILLAGE_A}/?date=2026-03-12").content.decode()
    # another village's notice is not there for this cadre
    assert client.get("/cases/notice/500236001002/").status_code == 404


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("x.exe", b"MZ\x90\x00"), "类型不允许"),
    (SimpleUploadedFile("会议.doc", b"\xd0\xcf\x11\xe0"), "类型不允许"),
    (SimpleUploadedFile("假的.pdf", b"GIF89a..."), "不是有效的 PDF"),
    (SimpleUploadedFile("假的.docx", b"PK\x03\x04garbage"), "不是有效的 DOCX"),
    (SimpleUploadedFile("空.png", b""), "空文件"),
])
def test_attachment_type_refused(upload, message):
    with pytest.raises(ValidationError) as err:
        check_upload(upload, max_mb=10)
    assert message in str(err.value)


def test_attachment_size_refused_and_configurable(team, county_admin):
    big = pdf_file("大文件.pdf", size=2 * 1024 * 1024 + 1)
    check_upload(big, max_mb=10)
    services.save_settings(actor=county_admin, county_code="500236", values={"max_attachment_mb": 2})
    household = make_household(VILLAGE_A)
    case = advance(team, open_id(team, household), until="undertaking")
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village, case=case, step="undertaking", action=Action.SUBMIT,
                     version=case.version, attachments=[pdf_file("大文件.pdf", size=2 * 1024 * 1024 + 1)])
    assert "超过上限 2 MB" in str(err.value)
    case.refresh_from_db()
    assert case.step == "undertaking" and not case.attachments.exists()
    ok = services.act(actor=team.village, case=case, step="undertaking", action=Action.SUBMIT,
                      version=case.version, attachments=[pdf_file(), docx_file()])
    assert ok.attachments.count() == 2


def test_page_upload_refusal_is_shown_in_chinese(client, team):
    household = make_household(VILLAGE_A)
    case = advance(team, open_id(team, household), until="undertaking")
    client.force_login(team.village)
    resp = client.post(f"/cases/{case.pk}/act/", {
        "step": "undertaking", "version": case.version, "action": "submit",
        "attachments": SimpleUploadedFile("病毒.exe", b"MZ")})
    assert resp.status_code == 400
    assert "类型不允许" in resp.content.decode()
    resp = client.post(f"/cases/{case.pk}/act/", {
        "step": "undertaking", "version": case.version, "action": "submit",
        "attachments": pdf_file()})
    assert resp.status_code == 302
    case.refresh_from_db()
    att = case.attachments.get()
    dl = client.get(f"/cases/attachments/{att.pk}/")
    assert dl.status_code == 200 and b"".join(dl.streaming_content).startswith(b"%PDF")
