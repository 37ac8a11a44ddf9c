"""The two procedures as data: their steps in order, who may act, what each step needs.

MECHANISM.md §5.1 (identification, ≤ 15 days) and §5.3 (risk elimination). The services
enforce this table; pages and the API only show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fupin.accounts.policy import ROLE_LABELS, roles_for

from .choices import Action, CaseKind

# Who may act on a step: a policy action (fupin.accounts.policy.RIGHTS).
VILLAGE = "cases.step_village"
TOWNSHIP = "cases.step_township"  # township staff, or the county acting for it
COUNTY = "cases.step_county"


@dataclass(frozen=True)
class StepDef:
    code: str
    label: str
    action: str  # the policy action that may pass/reject this step
    default_days: int
    approval: bool = False  # a checking step: its actor may not be the previous step's actor
    needs_attachment: str = ""  # what must be uploaded to pass, in Chinese; "" = nothing
    notice: bool = False  # the village public notice (objection period)
    can_reject: bool = True
    help: str = ""
    fields: tuple[str, ...] = field(default=())  # extra form fields this step records

    @property
    def roles(self) -> tuple[str, ...]:
        return roles_for(self.action)

    @property
    def role_label(self) -> str:
        return "、".join(ROLE_LABELS[r] for r in self.roles)

    @property
    def pass_action(self) -> str:
        return Action.APPROVE if self.approval else Action.SUBMIT

    @property
    def pass_label(self) -> str:
        return "通过" if self.approval else "完成本环节"


# Default step limits (days). Identification runs ≤ 15 days from the day the lead was found
# (MECHANISM §5.1, Qinan): the limits add up to 15, and a county's own limits may not add up
# to more than its total (services.save_settings refuses it). The notice step holds the
# ≥ 5-day village notice plus a day to close it.
IDENTIFICATION_STEPS: tuple[StepDef, ...] = (
    StepDef("village_review", "村级研判", VILLAGE, 1,
            help="村两委、驻村工作队研判线索，列出全部家庭成员"),
    StepDef("home_visit", "入户核查", VILLAGE, 1, fields=("verifiers",),
            help="不少于 2 名核查人员入户，填写《防止返贫动态监测排查表/信息采集表》"),
    StepDef("undertaking", "承诺授权", VILLAGE, 1,
            needs_attachment="农户签字（按手印）的《监测对象申请及承诺授权查询书》",
            help="上传农户签字的承诺书和数据查询授权书"),
    StepDef("data_check", "部门数据比对", TOWNSHIP, 2,
            help="财政、公安、不动产、车辆、社保、市场监管等部门比对结果"),
    StepDef("appraisal", "村民主评议", VILLAGE, 1, needs_attachment="民主评议会议记录（参会人员签字）",
            help="村两委、驻村工作队、村民代表评议，上传会议记录"),
    StepDef("notice", "村内公示", VILLAGE, 6, notice=True,
            help="在村内公示不少于 5 天；异议须登记并答复后方可结束公示"),
    StepDef("township_review", "乡镇审核", TOWNSHIP, 1, approval=True),
    StepDef("county_approval", "县级审定", COUNTY, 1, approval=True,
            fields=("monitoring_type", "main_risk", "other_risks"),
            help="审定后农户即标注为监测对象（类型、风险、日期）"),
    StepDef("announcement", "公告", COUNTY, 1, can_reject=False,
            help="以乡镇名义在村公告，录入监测信息系统"),
)

ELIMINATION_STEPS: tuple[StepDef, ...] = (
    StepDef("elim_visit", "入户核实", VILLAGE, 3, fields=("verifiers",),
            help="不少于 2 名核实人员入户，填写风险消除信息采集表、帮扶措施落实情况表"),
    StepDef("elim_appraisal", "村民主评议", VILLAGE, 3, needs_attachment="民主评议会议记录（参会人员签字）"),
    StepDef("elim_notice", "村内公示", VILLAGE, 9, notice=True,
            help="在村内公示 5–7 天；异议须登记并答复"),
    StepDef("township_acceptance", "乡镇审核验收", TOWNSHIP, 5,
            approval=True, help="乡镇审核验收（可抽查）"),
    StepDef("county_confirmation", "县级审定公告", COUNTY, 3, approval=True,
            help="审定后农户标注风险消除，监测记录保留"),
)

STEPS: dict[str, tuple[StepDef, ...]] = {
    CaseKind.IDENTIFICATION: IDENTIFICATION_STEPS,
    CaseKind.ELIMINATION: ELIMINATION_STEPS,
}
ALL_STEPS: dict[str, StepDef] = {s.code: s for steps in STEPS.values() for s in steps}
STEP_LABELS: dict[str, str] = {code: s.label for code, s in ALL_STEPS.items()}
STEP_CHOICES = [(code, f"{s.label}") for code, s in ALL_STEPS.items()] + [("done", "已办结")]


def steps_of(kind: str) -> tuple[StepDef, ...]:
    return STEPS[kind]


def first_step(kind: str) -> StepDef:
    return STEPS[kind][0]


def next_step(kind: str, code: str) -> StepDef | None:
    steps = STEPS[kind]
    for i, s in enumerate(steps):
        if s.code == code:
            return steps[i + 1] if i + 1 < len(steps) else None
    raise KeyError(code)


def previous_step(kind: str, code: str) -> StepDef | None:
    steps = STEPS[kind]
    for i, s in enumerate(steps):
        if s.code == code:
            return steps[i - 1] if i > 0 else None
    raise KeyError(code)


def identification_days(step_days: dict[str, int] | None = None) -> int:
    """Sum of the identification step limits (a county's own, else the defaults)."""
    own = step_days or {}
    return sum(int(own.get(s.code, s.default_days)) for s in IDENTIFICATION_STEPS)
