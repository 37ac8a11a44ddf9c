"""The main menu. Apps add entries here; entries whose URL name is not (yet) defined are
left out, so each app's menu appears when its pages exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every signed-in role


MENU: list[tuple[str, list[MenuItem]]] = [
    ("建档立卡", [MenuItem("农户名册", "registry:household_list"), MenuItem("行政区划", "areas:tree"),
                 MenuItem("新建农户", "registry:household_add",
                          ("county_admin", "township_staff", "village_cadre"))]),
    ("台账", [MenuItem("导入台账", "ledgers:import", ("county_admin", "township_staff", "village_cadre")),
             MenuItem("导入记录", "ledgers:batch_list"), MenuItem("导出台账", "ledgers:export"),
             MenuItem("导入模板", "ledgers:template")]),
    ("动态监测", [MenuItem("预警", "monitoring:warning_list"), MenuItem("排查", "monitoring:sweep_list"),
              MenuItem("监测规则", "monitoring:rule_list"), MenuItem("监测参数", "monitoring:setting_list"),
              MenuItem("部门筛查", "monitoring:roster_list")]),
    ("识别与消除", [MenuItem("案件", "cases:case_list"), MenuItem("逾期督办", "cases:overdue"),
               MenuItem("时限设置", "cases:settings", ("county_admin",))]),
    ("帮扶", [MenuItem("帮扶责任人", "assistance:helper_list"), MenuItem("一户一策", "assistance:plan_list"),
             MenuItem("走访记录", "assistance:visit_list"), MenuItem("逾期未走访", "assistance:overdue_visits"),
             MenuItem("乡镇帮扶总览", "assistance:township_pick"),
             MenuItem("帮扶单位", "assistance:unit_list"), MenuItem("挂牌督战", "assistance:flag_list"),
             MenuItem("走访与结对规则", "assistance:rule_list", ("county_admin",))]),
    ("问题整改", [MenuItem("问题清单", "rectification:problem_list"),
              MenuItem("随机抽查", "rectification:spotcheck_list")]),
    ("报表", [MenuItem("驾驶舱", "reports:dashboard"), MenuItem("月度通报", "reports:bulletin"),
             MenuItem("季度排名", "reports:ranking"), MenuItem("年度考核", "reports:assessment"),
             MenuItem("多维贫困", "reports:mpi")]),
]


def menu_for(user: object) -> list[tuple[str, list[tuple[str, str]]]]:
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
