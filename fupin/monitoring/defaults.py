"""Default setting keys, settings and rules, created by the data migration (0002)."""

from __future__ import annotations

from decimal import Decimal

# key, name, unit, by_income_year, description
SETTING_KEYS = [
    ("poverty_line", "贫困线", "元/人·年", True, "人均纯收入低于此线为贫困（按收入年度）"),
    ("monitoring_line", "监测线", "元/人·年", True, "监测范围上限（2020 年约为贫困线的 1.5 倍）"),
    ("school_age_min", "义务教育起始年龄", "周岁", False, "义务教育适龄下限（含）"),
    ("school_age_max", "义务教育截止年龄", "周岁", False, "义务教育适龄上限（含）"),
    ("income_drop_threshold", "收入骤减幅度", "比例", False, "人均纯收入较上年下降达到此比例即预警"),
    ("medical_burden_ratio", "医疗负担比例", "比例", False, "近期自付医疗费用超过上年家庭纯收入的此比例即预警"),
    ("event_window_months", "近期事件时长", "月", False, "统计风险事件的近期月数"),
]

# key, area_code, year_from, value, source
SETTINGS = [
    # Lines are per year (SettingKey.every_year, fupin.monitoring.lines): only the years the
    # public sources give are bundled (migration 0004 marks which are verified).
    ("poverty_line", "", 2020, Decimal("4000"), "现行标准 2020 年现价约 4000 元（MECHANISM.md §2 标 [U]，未核实）"),
    ("monitoring_line", "", 2020, Decimal("6000"), "国开发〔2020〕6号：约为贫困线 1.5 倍（MECHANISM.md §2 [V]）"),
    ("monitoring_line", "", 2021, Decimal("6000"), "中农组发〔2021〕7号：全国监测范围 6000 元（MECHANISM.md §2 [V]）"),
    ("school_age_min", "", 0, Decimal("6"), "义务教育法"),
    ("school_age_max", "", 0, Decimal("15"), "义务教育法"),
    ("income_drop_threshold", "", 0, Decimal("0.30"), "本地口径"),
    ("medical_burden_ratio", "", 0, Decimal("0.50"), "本地口径"),
    ("event_window_months", "", 0, Decimal("12"), "本地口径"),
]

# code, name, kind, severity, condition, explanation, description
RULES = [
    ("INCOME_BELOW_LINE", "收入低于贫困线", "feature", "high",
     "income_per_capita < poverty_line",
     "人均纯收入 {income_per_capita} 元，低于 {income_year} 年贫困线 {poverty_line} 元",
     "最近收入年度人均纯收入低于该年度贫困线"),
    ("INCOME_NEAR_LINE", "收入处于监测范围", "feature", "medium",
     "income_per_capita >= poverty_line and income_per_capita < monitoring_line",
     "人均纯收入 {income_per_capita} 元，高于 {income_year} 年贫困线 {poverty_line} 元但低于监测线 {monitoring_line} 元",
     "贫困线 ≤ 人均纯收入 < 监测线"),
    ("INCOME_DROP", "收入大幅下降", "feature", "high",
     "income_drop_ratio >= income_drop_threshold",
     "人均纯收入由 {prev_income_year} 年的 {prev_income_per_capita} 元降至 {income_year} 年的 {income_per_capita} 元，降幅 {income_drop_ratio:%}，达到预警幅度 {income_drop_threshold:%}",
     "人均纯收入较上一年度下降达到阈值（两年均有收入记录）"),
    ("MEDICAL_BURDEN", "刚性支出负担重（医疗、教育）", "feature", "high",
     "rigid_cost_12m > rigid_income_base * medical_burden_ratio",
     "近 {event_window_months} 个月自付医疗 {medical_cost_12m} 元、教育支出 {education_cost_12m} 元，合计 {rigid_cost_12m} 元，超过上年度家庭纯收入 {rigid_income_base} 元的 {medical_burden_ratio:%}",
     "MECHANISM §1.1：因病、因学等刚性支出明显超过上年度收入（无收入记录时按最近收入或监测线×人口）"),
    ("DISASTER_OR_ACCIDENT", "遭受灾害或意外事故", "feature", "medium",
     "disaster_events_12m >= 1 or accident_events_12m >= 1",
     "近 {event_window_months} 个月发生自然灾害 {disaster_events_12m} 次、意外事故 {accident_events_12m} 次，损失合计 {disaster_loss_12m} 元",
     "近期发生自然灾害或意外事故"),
    ("DROPOUT", "义务教育阶段辍学", "feature", "high",
     "dropout_count >= 1",
     "有 {dropout_count} 名 {school_age_min}–{school_age_max} 周岁的义务教育适龄成员为非在校生（送教上门计为在校，经批准因身体原因免学的不计）",
     "控辍保学：适龄（按基准日周岁）、未经批准免学、非在校生；在校生状况空白为未知，不计为辍学"),
    ("FOOD_CLOTHING", "不愁吃穿未保障", "feature", "high", "food_clothing_insecure = 1",
     "核实不愁吃或不愁穿未保障", "两不愁：不愁吃、不愁穿（MECHANISM §4.3）"),
    ("UNINSURED", "未参加基本医疗保险", "feature", "medium",
     "uninsured_count >= 1",
     "有 {uninsured_count} 名家庭成员未参加基本医疗保险",
     "基本医疗保障：有成员未参保"),
    ("UNSAFE_HOUSE", "住房不安全", "feature", "high",
     "unsafe_house = 1",
     "住房安全等级为 {housing_grade} 级（危房）",
     "住房安全鉴定为 C 级或 D 级"),
    ("UNSAFE_WATER", "饮水不安全", "feature", "medium",
     "water_unsafe = 1",
     "饮水安全评估结论为不安全",
     "饮水安全未保障"),
    ("NO_LABOUR", "无劳动能力且未纳入兜底", "feature", "medium",
     "members >= 1 and labour_count = 0 and is_general = 1",
     "全家 {members} 人均丧失劳动力或无劳动力，户属性为{welfare_status}，未纳入低保或特困供养",
     "所有成员丧失劳动力或无劳动力，且户属性为一般户"),
    ("ROSTER_SCHOOL_MISSING", "适龄成员不在教育名册", "roster", "high",
     "roster_school_missing >= 1",
     "有 {roster_school_missing} 名义务教育适龄成员不在教育部门名册《{school_roster_name}》中",
     "部门筛查：教育部门在校生名册比对"),
    ("ROSTER_UNINSURED", "成员不在医保参保名册", "roster", "medium",
     "roster_uninsured >= 1",
     "有 {roster_uninsured} 名成员不在医保部门参保名册《{insurance_roster_name}》中",
     "部门筛查：医保部门参保名册比对"),
    ("ROSTER_WELFARE_MISMATCH", "户属性与民政名册不符", "roster", "medium",
     "(roster_dibao_members >= 1 and is_dibao = 0) or (is_dibao = 1 and roster_dibao_members = 0)"
     " or (roster_tekun_members >= 1 and is_tekun = 0) or (is_tekun = 1 and roster_tekun_members = 0)",
     "本户登记为{welfare_status}，但民政名册中低保 {roster_dibao_members} 人（《{dibao_roster_name}》）、特困 {roster_tekun_members} 人（《{tekun_roster_name}》）",
     "部门筛查：民政低保、特困名册与户属性比对"),
    ("ROSTER_DECEASED_LISTED", "已死亡人员仍在册", "quality", "high",
     "roster_dead_listed >= 1",
     "有 {roster_dead_listed} 名在册成员出现在死亡登记名册《{death_roster_name}》中",
     "数据质量：死亡登记与在册人口比对"),
    ("ROSTER_DISABILITY_UNRECORDED", "持残疾证但未登记残疾", "quality", "low",
     "roster_disability_unrecorded >= 1",
     "有 {roster_disability_unrecorded} 名成员在残联名册《{disability_roster_name}》中，但登记为非残疾",
     "数据质量：残联残疾人证名册与成员健康状况比对"),
]
