from django.db import models
from django.utils.translation import gettext_lazy as _


class Happened(models.TextChoices):
    ILLNESS = "illness", _("生病或受伤")
    DISASTER = "disaster", _("自然灾害")
    ACCIDENT = "accident", _("意外事故")
    JOB_LOSS = "job_loss", _("失业或务工中断")
    SCHOOL = "school", _("上学费用")
    OTHER = "other", _("其他困难")


# What happened -> the risk type (fupin.registry.choices.RiskType) of the lead
RISK_OF = {"illness": "illness", "disaster": "disaster", "accident": "accident",
           "job_loss": "job", "school": "schooling", "other": "other"}


class AppState(models.TextChoices):
    RECEIVED = "received", _("已收到，待乡镇受理")
    ACCEPTED = "accepted", _("乡镇已受理，已转村待建档")
    CASE_OPENED = "case_opened", _("已转村启动识别")
    DECIDED = "decided", _("已办结")
    DECLINED = "declined", _("不予受理")


# What the applicant sees with the receipt: three words, nothing more.
PUBLIC_STATUS = {"received": "已收到", "accepted": "核查中", "case_opened": "核查中",
                 "decided": "已办结", "declined": "已办结"}


class SyncKind(models.TextChoices):
    VISIT = "visit", _("走访")
    RISK_EVENT = "risk_event", _("风险事件")
