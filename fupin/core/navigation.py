"""The main menu. Apps add entries here; entries whose URL name is not (yet) defined are
left out, so each app's menu appears when its pages exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise  # lazy: translated when rendered
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every signed-in role


MENU: list[tuple[str | Promise, list[MenuItem]]] = [
    (_("建档立卡"), [MenuItem(_("农户名册"), "registry:household_list"), MenuItem(_("行政区划"), "areas:tree"),
                 MenuItem(_("新建农户"), "registry:household_add",
                          ("county_admin", "township_staff", "village_cadre"))]),
    (_("台账"), [MenuItem(_("导入台账"), "ledgers:import", ("county_admin", "township_staff", "village_cadre")),
             MenuItem(_("导入记录"), "ledgers:batch_list"), MenuItem(_("导出台账"), "ledgers:export"),
             MenuItem(_("导入模板"), "ledgers:template")]),
    (_("动态监测"), [MenuItem(_("预警"), "monitoring:warning_list"), MenuItem(_("排查"), "monitoring:sweep_list"),
              MenuItem(_("监测规则"), "monitoring:rule_list"), MenuItem(_("监测参数"), "monitoring:setting_list"),
              MenuItem(_("部门筛查"), "monitoring:roster_list")]),
    (_("识别与消除"), [MenuItem(_("案件"), "cases:case_list"), MenuItem(_("逾期督办"), "cases:overdue"),
               MenuItem(_("风险线索"), "cases:lead_list"),
               MenuItem(_("时限设置"), "cases:settings", ("county_admin",))]),
    (_("帮扶"), [MenuItem(_("帮扶责任人"), "assistance:helper_list"), MenuItem(_("一户一策"), "assistance:plan_list"),
             MenuItem(_("走访记录"), "assistance:visit_list"), MenuItem(_("逾期未走访"), "assistance:overdue_visits"),
             MenuItem(_("乡镇帮扶总览"), "assistance:township_pick"),
             MenuItem(_("帮扶单位"), "assistance:unit_list"), MenuItem(_("挂牌督战"), "assistance:flag_list"),
             MenuItem(_("走访与结对规则"), "assistance:rule_list", ("county_admin",))]),
    (_("问题整改"), [MenuItem(_("问题清单"), "rectification:problem_list"),
              MenuItem(_("随机抽查"), "rectification:spotcheck_list")]),
    (_("报表"), [MenuItem(_("驾驶舱"), "reports:dashboard"), MenuItem(_("月度通报"), "reports:bulletin"),
             MenuItem(_("季度排名"), "reports:ranking"), MenuItem(_("年度考核"), "reports:assessment"),
             MenuItem(_("多维贫困"), "reports:mpi")]),
]


def menu_for(user: object) -> list[tuple[str | Promise, list[tuple[str | Promise, str]]]]:
    role = getattr(user, "role", "")
    superuser = getattr(user, "is_superuser", False)
    out = []
    for group, items in MENU:
        links = []
        for item in items:
            if item.roles and not superuser and role not in item.roles:
                continue
            try:
                links.append((item.label, reverse(item.url_name)))
            except NoReverseMatch:
                continue
        if links:
            out.append((group, links))
    return out
