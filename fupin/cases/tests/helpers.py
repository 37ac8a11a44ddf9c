"""Shared builders for the cases tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from fupin.accounts.actors import SYSTEM
from fupin.cases import services
from fupin.cases.choices import Action, CaseKind, Channel
from fupin.cases.models import Case
from fupin.cases.workflow import steps_of
from fupin.registry import services as registry
from fupin.registry.choices import AssessmentKind

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    """An aware moment in Asia/Shanghai local time."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def pdf_file(name: str = "承诺书.pdf", size: int = 0) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n% test\n" + b"0" * max(size - 16, 0)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx_file(name: str = "会议记录.docx") -> SimpleUploadedFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buf.getvalue())


class Team:
    """One actor per role for a village, plus a second county admin (maker ≠ checker)."""

    def __init__(self, village: str) -> None:
        from fupin.core.testing import make_user
        self.village = make_user("village_cadre", village)
        self.village2 = make_user("village_cadre", village)
        self.township = make_user("township_staff", village[:9])
        self.county = make_user("county_admin", village[:6])
        self.county2 = make_user("county_admin", village[:6])

    def for_step(self, code: str) -> Any:
        return {
            "village_review": self.village, "home_visit": self.village,
            "undertaking": self.village, "data_check": self.township,
            "appraisal": self.village, "notice": self.village2,
            "township_review": self.township, "county_approval": self.county,
            "announcement": self.county2,
            "elim_visit": self.village, "elim_appraisal": self.village,
            "elim_notice": self.village2, "township_acceptance": self.township,
            "county_confirmation": self.county,
        }[code]


STEP_DATA: dict[str, dict[str, Any]] = {
    "home_visit": {"verifiers": "李四, 王五"},
    "elim_visit": {"verifiers": ["李四", "王五"]},
    "county_approval": {"monitoring_type": "edge", "main_risk": "illness",
                        "other_risks": ["schooling"]},
}
STEP_FILES = {"undertaking": pdf_file, "appraisal": docx_file, "elim_appraisal": docx_file}


def open_id(team: Team, household: Any, now: dt.datetime | None = None, **kw: Any) -> Case:
    kw.setdefault("channel", Channel.CADRE)
    kw.setdefault("lead", "户主突发重病，医疗支出大")
    return services.open_identification(actor=team.village, household=household,
                                        now=now or at(2026, 3, 1), **kw)


def advance(team: Team, case: Case, until: str | None = None, start: dt.datetime | None = None) -> Case:
    """Drive a case step by step (until the named step is current, or to the end)."""
    now = start or at(2026, 3, 2)
    case.refresh_from_db()
    codes = [s.code for s in steps_of(case.kind)]
    for step in steps_of(case.kind)[codes.index(case.step) if case.step in codes else 0:]:
        case.refresh_from_db()
        if not case.is_open or step.code == until:
            break
        assert case.step == step.code, (case.step, step.code)
        actor = team.for_step(step.code)
        if step.notice:
            case = services.act(actor=actor, case=case, step=step.code, action=Action.START_NOTICE,
                                version=case.version, data={"days": 5}, now=now)
            now = now + dt.timedelta(days=5)
        uploads = [STEP_FILES[step.code]()] if step.code in STEP_FILES else []
        case = services.act(actor=actor, case=case, step=step.code, action=step.pass_action,
                            version=case.version, comment="同意", data=STEP_DATA.get(step.code, {}),
                            attachments=uploads, now=now)
        now = now + dt.timedelta(hours=5)
    return case


def set_lines(*years: int, amount: str = "6000") -> None:
    """Monitoring lines for these years (lines are per year; none is bundled after 2021)."""
    from fupin.monitoring.services.rules import set_setting
    for year in years:
        set_setting(actor=SYSTEM, key="monitoring_line", value=amount, year_from=year,
                    source_doc=f"测试：{year} 年监测线")


def make_stable(household: Any, actor: Any = SYSTEM, amount: str = "9000") -> None:
    """Give a household what elimination needs: current-year line, income above it after
    identification, 不愁吃穿, safe house and water."""
    set_lines(2025, 2026)
    registry.set_income(actor=actor, household=household, year=2025,
                        components={"wage_income": Decimal(amount)}, members_counted=1)
    registry.update_household(actor=actor, household=household,
                              changes={"food_secure": True, "clothing_secure": True})
    registry.record_assessment(actor=actor, household=household, kind=AssessmentKind.HOUSING,
                               assessed_on=dt.date(2025, 6, 1), housing_grade="B")
    registry.record_assessment(actor=actor, household=household, kind=AssessmentKind.WATER,
                               assessed_on=dt.date(2025, 6, 1), water_safe=True)


__all__ = ["CaseKind", "Team", "advance", "at", "docx_file", "make_stable", "open_id", "pdf_file",
           "set_lines"]
