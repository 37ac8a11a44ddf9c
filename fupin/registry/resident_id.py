"""Resident identity numbers (居民身份证号码) per GB 11643-1999.

Written by hand on purpose: `stdnum.cn.ric` rejects genuine old numbers and accepts future
birth dates. Checks: 18 characters, known province prefix, real birth date not in the future,
ISO 7064 MOD 11-2 check digit.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# Province-level codes of GB/T 2260, plus 71 Taiwan, 81 Hong Kong, 82 Macao, 83 residence permits.
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})
EARLIEST_BIRTH = dt.date(1880, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def area_prefix(self) -> str:
        return self.number[:6]


def check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize(raw: object) -> str:
    """Full-width to half-width, spaces removed, lower-case x upper-cased."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(text.split()).upper()


def today_in_china() -> dt.date:
    return timezone.localdate()


def parse(raw: object, today: dt.date | None = None) -> ResidentId:
    """Validate and parse; raises ValidationError with a Chinese message saying what is wrong."""
    number = normalize(raw)
    if not number:
        raise ValidationError("身份证号不能为空", code="required")
    if len(number) != 18:
        raise ValidationError(
            f"身份证号应为 18 位，“{number}”为 {len(number)} 位", code="length"
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            f"身份证号“{number}”格式不对：前 17 位应为数字，末位为数字或 X", code="format"
        )
    if number[:2] not in PROVINCES:
        raise ValidationError(f"身份证号“{number}”的省份代码 {number[:2]} 不存在", code="province")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            f"身份证号“{number}”中的出生日期 {number[6:14]} 不是有效日期", code="birth_date"
        ) from None
    today = today or today_in_china()
    if birth > today:
        raise ValidationError(
            f"身份证号“{number}”中的出生日期 {birth:%Y-%m-%d} 晚于今天", code="future_birth"
        )
    if birth < EARLIEST_BIRTH:
        raise ValidationError(
            f"身份证号“{number}”中的出生日期 {birth:%Y-%m-%d} 过早", code="birth_date"
        )
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            f"身份证号“{number}”校验位错误：末位应为 {expected}，实为 {number[17]}",
            code="checksum",
        )
    return ResidentId(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def validate(raw: object) -> None:
    parse(raw)


def make(area6: str, birth: dt.date, seq3: int) -> str:
    """Build a checksum-valid number (synthetic data and tests)."""
    first17 = f"{area6}{birth:%Y%m%d}{seq3:03d}"
    return first17 + check_char(first17)


def mask(number: str) -> str:
    """Keep the first 6 and last 4 characters (masking lives below the registry, in core)."""
    from fupin.core.privacy import mask_resident_id

    return mask_resident_id(number)
