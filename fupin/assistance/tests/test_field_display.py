"""Issue 13 display fixes: visit updates as Chinese labels, plan header risk labels, dates
in date inputs as ISO, and the household panel telling due from overdue."""

import datetime as dt

from fupin.assistance.templatetags.assistance_tags import risk_labels, visit_update_lines


def test_visit_updates_read_as_chinese():
    lines = visit_update_lines({"income": {"year": 2026, "wage_income": "3000", "per_capita": "1500"},
                                "water_safe": True,
                                "members": [{"member": 1, "name": "张三", "labour": "normal"}]})
    text = "\n".join(lines)
    assert "2026 年收入：工资性收入 3000 元，人均纯收入 1500 元" in text
    assert "饮水安全：安全" in text
    assert "成员 张三：" in text and "labour" not in text and "{" not in text
    assert visit_update_lines("not a dict") == []


def test_risk_labels():
    assert risk_labels(["illness", "job"]) == "因病、因务工就业不稳"


def test_objection_date_renders_iso():
    from fupin.cases.forms import ObjectionForm

    html = str(ObjectionForm(initial={"raised_on": dt.date(2026, 12, 6)})["raised_on"])
    assert 'value="2026-12-06"' in html


SIG = "data:image/png;base64," + __import__("base64").b64encode(
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 40).decode()


def test_visit_evidence_stored_and_location_for_writers_only(client, county_admin, inspector, poor_household,
                                                            settings, tmp_path):
    from fupin.assistance import services

    settings.MEDIA_ROOT = tmp_path
    visit = services.record_visit(
        actor=county_admin, household=poor_household, visited_on=dt.date.today(), channel="home",
        findings="入户", location={"latitude": "29.123456", "longitude": "109.5", "accuracy": 12},
        signature=SIG, confirmed_by="王大")
    assert visit.has_location and visit.signature and visit.confirmed_by == "王大"
    assert visit.confirmation_label == "户签名确认（王大）"
    client.force_login(county_admin)
    page = client.get(f"/assistance/visits/{visit.pk}/").content.decode()
    assert "纬度 29.123456" in page and "户签名确认" in page
    sig = client.get(f"/assistance/visits/{visit.pk}/evidence/signature/")
    assert sig.status_code == 200 and sig["Content-Type"] == "image/png"
    client.force_login(inspector)
    page = client.get(f"/assistance/visits/{visit.pk}/").content.decode()
    assert "户签名确认" in page and "纬度" not in page


def test_bad_evidence_refused(county_admin, poor_household):
    import pytest
    from django.core.exceptions import ValidationError

    from fupin.assistance import services
    from fupin.assistance.models import Visit

    with pytest.raises(ValidationError) as exc:
        services.record_visit(actor=county_admin, household=poor_household, visited_on=dt.date.today(),
                              channel="home", findings="入户", signature="data:image/jpeg;base64,AAAA",
                              location={"latitude": "99", "longitude": "10"})
    assert "signature" in exc.value.message_dict and "location" in exc.value.message_dict
    assert not Visit.objects.exists()
