"""The condition language: valid conditions compile to parameterised SQL; invalid ones and
injection attempts are refused with a Chinese message pointing at the position."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fupin.monitoring.services.conditions import ConditionError, compile_condition

COLS = {"income_per_capita": "f.income_per_capita", "poverty_line": "f.poverty_line",
        "members": "f.members", "a": "f.a", "b": "f.b"}


def test_valid_condition_is_parameterised():
    c = compile_condition("income_per_capita < poverty_line and members >= 1", COLS)
    assert c.sql == "((f.income_per_capita < f.poverty_line) AND (f.members >= %s))"
    assert c.params == [Decimal(1)]
    assert c.names == ["income_per_capita", "poverty_line", "members"]


@pytest.mark.parametrize("text", [
    "not (a > 1 or b < 2)", "(a + b) * 2 >= 10", "a / b < 30%", "-a < 0", "a != b",
    "a <> b and not a = 1", "a > 1 且 b < 2", "((a + 1) < b)",
])
def test_valid_forms(text):
    c = compile_condition(text, COLS)
    assert "%s" in c.sql or "f." in c.sql


def test_percent_and_division():
    c = compile_condition("a / b >= 30%", COLS)
    assert c.params == [Decimal("0.3")]
    assert "NULLIF(f.b, 0)" in c.sql


@pytest.mark.parametrize(("text", "position", "fragment"), [
    ("income_per_capita < povrty_line", 21, "不是已知的特征或参数名"),
    ("a <", 4, "条件不完整"),
    ("a > 1 and", 10, "条件不完整"),
    ("a", 1, "缺少比较运算符"),
    ("a < b < 1", 7, "比较不能连写"),
    ("(a < 1", 7, "应为“)”"),
    ("a < 1 b > 2", 7, "多余的内容"),
    ("", 1, "不能为空"),
])
def test_invalid_conditions_point_at_the_error(text, position, fragment):
    with pytest.raises(ConditionError) as exc:
        compile_condition(text, COLS)
    assert exc.value.position == position
    assert fragment in exc.value.messages[0]
    assert f"第 {position} 个字符处" in exc.value.messages[0]


@pytest.mark.parametrize("text", [
    "a < 1; DROP TABLE registry_household",
    "a < 1 or 1 = 1 --",
    "a < '1' or '1' = '1'",
    "a < (SELECT 1)",
    "a < 1 UNION SELECT * FROM accounts_user",
    "pg_sleep(10) > 0",
    "a < 1 /* comment */",
    "a.b < 1",
    "a < 0x10",
])
def test_injection_attempts_are_refused(text):
    with pytest.raises(ValidationError):
        compile_condition(text, COLS)


def test_deep_nesting_is_refused():
    with pytest.raises(ConditionError):
        compile_condition("(" * 200 + "a < 1" + ")" * 200, COLS)
