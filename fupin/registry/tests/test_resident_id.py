import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fupin.registry import resident_id as rid

TODAY = dt.date(2026, 11, 25)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
areas = st.sampled_from(["500236", "500101", "110101", "440305", "650102"])
seqs = st.integers(min_value=0, max_value=999)


def test_known_genuine_number():
    # The GB 11643 worked example.
    parsed = rid.parse("11010519491231002X", today=TODAY)
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "F"


def test_lower_case_x_and_full_width_digits_accepted():
    assert rid.parse("11010519491231002x", today=TODAY).number == "11010519491231002X"
    assert rid.parse("１１０１０５１９４９１２３１００２Ｘ", today=TODAY).number == "11010519491231002X"


@pytest.mark.parametrize("raw,code", [
    ("", "required"),
    ("1101051949123100", "length"),
    ("11010519491231002Y", "format"),
    ("99010519491231002X", "province"),
    ("110105194902300027", "birth_date"),
    ("110105194912310021", "checksum"),
])
def test_rejections_say_why(raw, code):
    with pytest.raises(ValidationError) as exc:
        rid.parse(raw, today=TODAY)
    assert exc.value.code == code
    assert exc.value.messages[0]  # a Chinese message


def test_future_birth_date_rejected():
    number = rid.make("500236", dt.date(2027, 1, 1), 123)
    with pytest.raises(ValidationError) as exc:
        rid.parse(number, today=TODAY)
    assert exc.value.code == "future_birth"
    assert "晚于今天" in exc.value.messages[0]


@given(areas, births, seqs)
def test_made_numbers_round_trip(area, birth, seq):
    number = rid.make(area, birth, seq)
    parsed = rid.parse(number, today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if seq % 2 else "F")


@given(areas, births, seqs, st.integers(min_value=0, max_value=16), st.integers(0, 9))
def test_any_single_digit_change_is_caught(area, birth, seq, pos, digit):
    number = rid.make(area, birth, seq)
    if number[pos] == str(digit):
        return
    changed = number[:pos] + str(digit) + number[pos + 1:]
    with pytest.raises(ValidationError):
        rid.parse(changed, today=TODAY)


@given(areas, births, seqs)
def test_mask_hides_birth_date(area, birth, seq):
    number = rid.make(area, birth, seq)
    masked = rid.mask(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:]
    assert f"{birth:%Y%m%d}" not in masked
