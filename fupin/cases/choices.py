"""Coded lists of the identification and risk-elimination procedures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    IDENTIFICATION = "identification", _("识别纳入")
    ELIMINATION = "elimination", _("风险消除")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    APPROVED = "approved", _("已办结（通过）")
    REJECTED = "rejected", _("已办结（不予通过）")
    ROLLED_BACK = "rolled_back", _("已回退")


class Channel(models.TextChoices):
    WARNING = "warning", _("监测预警")
    SELF_REPORT = "self_report", _("农户自主申报")
    CADRE = "cadre", _("基层干部排查")
    DEPARTMENT = "department", _("部门筛查预警")
    REFLAG = "reflag", _("风险再标注")
    OTHER = "other", _("其他渠道")


class EliminationMode(models.TextChoices):
    ASSISTED = "assisted", _("帮扶消除")
    NATURAL = "natural", _("自然消除")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("不予通过")
    START_NOTICE = "start_notice", _("张贴公示")
    OPEN = "open", _("立案")
    ROLLBACK = "rollback", _("风险消除回退")
    OVERRIDE = "override", _("条件未满足仍办理（批准）")


class Escalation(models.TextChoices):
    NONE = "", _("未上报")
    TOWNSHIP = "township", _("已上报乡镇")
    COUNTY = "county", _("已上报县级")


class LeadStatus(models.TextChoices):
    NEW = "new", _("新线索")
    IN_PROCEDURE = "in_procedure", _("识别办理中")
    INCLUDED = "included", _("已认定：纳入监测")
    NOT_INCLUDED = "not_included", _("已认定：不予纳入")
    CLOSED = "closed", _("无需识别（已是监测对象或已处理）")
