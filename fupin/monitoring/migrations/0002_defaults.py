"""Default setting keys, national default settings and the default rules (version 1)."""

from django.db import migrations
from django.utils import timezone


def create_defaults(apps, schema_editor):
    from fupin.monitoring.defaults import RULES, SETTING_KEYS, SETTINGS

    SettingKey = apps.get_model("monitoring", "SettingKey")
    Setting = apps.get_model("monitoring", "Setting")
    Rule = apps.get_model("monitoring", "Rule")
    RuleVersion = apps.get_model("monitoring", "RuleVersion")
    for key, name, unit, by_year, desc in SETTING_KEYS:
        SettingKey.objects.get_or_create(key=key, defaults={
            "name": name, "unit": unit, "by_income_year": by_year, "description": desc})
    for key, area, year, value, source in SETTINGS:
        Setting.objects.get_or_create(key_id=key, area_code=area, year_from=year,
                                      defaults={"value": value, "source_doc": source})
    now = timezone.now()
    for code, name, kind, severity, condition, explanation, desc in RULES:
        rule, created = Rule.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "severity": severity, "condition": condition,
            "explanation": explanation, "description": desc})
        if created:
            version = RuleVersion.objects.create(
                rule=rule, number=1, condition=condition, severity=severity,
                explanation=explanation, effective_from=now, note="系统默认规则")
            rule.current_version = version
            rule.save(update_fields=["current_version"])


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
