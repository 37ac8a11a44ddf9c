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
