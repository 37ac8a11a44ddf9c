"""Members of a synthetic household: who lives there, and their age, schooling, health and work.

Households are composed as they stood on DATA_DATE, the date of the published 2020 figures
(nobody is born later, so the registry "as of" the end of 2020 is the published one), while
schooling, labour and work follow each person's age on `today` (the run date), so they agree
with what the rest of the system computes from birth dates.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from fupin.registry import resident_id as rid
from fupin.registry.choices import Education, Employment, Labour, Relation, Schooling

from . import names

R = Relation
DATA_DATE = dt.date(2020, 12, 31)


@dataclass
class Person:
    relation: str
    sex: str
    age: int
    family: str = ""  # surname
    birth: dt.date = dt.date(1970, 1, 1)
    name: str = ""
    resident_id: str = ""
    ethnicity: str = "汉族"
    education: str = ""
    schooling: str = Schooling.NOT_IN_SCHOOL
    chronic: bool = False
    serious: bool = False
    disabled: bool = False
    grade: str = ""
    labour: str = Labour.ORDINARY
    employment: str = Employment.NONE
    months: int = 0
    insured: bool = True
    pension: bool = False

    @property
    def works(self) -> bool:
        return self.employment != Employment.NONE


def sizes(rng: random.Random, households: int, people: int, max_size: int = 8) -> list[int]:
    """`households` sizes in 1..max_size summing exactly to `people`."""
    if households == 0:
        return []
    lam = max(people / households - 1, 0.01)
    pmf = [math.exp(-lam) * lam ** k / math.factorial(k) for k in range(max_size)]
    out = [1 + k for k in rng.choices(range(max_size), weights=pmf, k=households)]
    diff = people - sum(out)
    while diff:  # nudge random households until the total is exact
        i = rng.randrange(households)
        if diff > 0 and out[i] < max_size:
            out[i] += 1
            diff -= 1
        elif diff < 0 and out[i] > 1:
            out[i] -= 1
            diff += 1
    return out


def _other(sex: str) -> str:
    return "F" if sex == "M" else "M"


def compose(rng: random.Random, size: int) -> list[Person]:
    """Relations, sexes and ages of a household of `size`, head first."""
    if size == 1:
        age = rng.randint(58, 90) if rng.random() < 0.8 else rng.randint(30, 57)
        return [Person(R.HEAD, "M" if rng.random() < 0.6 else "F", age)]
    head_age = int(rng.triangular(26, 84, 54))
    head = Person(R.HEAD, "M" if rng.random() < 0.86 else "F", head_age)
    people = [head]
    left = size - 1
    if rng.random() < 0.88:
        people.append(Person(R.SPOUSE, _other(head.sex), max(22, head_age + rng.randint(-6, 4))))
        left -= 1
    if left and head_age < 48 and rng.random() < 0.35:
        mother_age = head_age + rng.randint(22, 30)
        if mother_age <= 92:
            people.append(Person(R.MOTHER, "F", mother_age))
            left -= 1
            if left > 1 and rng.random() < 0.4:
                people.append(Person(R.FATHER, "M", min(95, mother_age + rng.randint(0, 5))))
                left -= 1
    if left >= 3 and head_age >= 50:
        son_age = head_age - rng.randint(22, 30)
        people.append(Person(R.SON, "M", son_age))
        people.append(Person(R.DAUGHTER_IN_LAW, "F", max(19, son_age + rng.randint(-3, 2))))
        left -= 2
        for _ in range(left):
            sex = "M" if rng.random() < 0.52 else "F"
            people.append(Person(R.GRANDSON if sex == "M" else R.GRANDDAUGHTER, sex,
                                 rng.randint(0, max(0, son_age - 20))))
        return people
    for _ in range(left):
        sex = "M" if rng.random() < 0.52 else "F"
        people.append(Person(R.SON if sex == "M" else R.DAUGHTER, sex,
                             rng.randint(max(0, head_age - 42), head_age - 20)))
    return people


def _birth(rng: random.Random, age: int, today: dt.date) -> dt.date:
    # A birth date giving exactly `age` on `today`: the last birthday falls in the past year.
    days_since_birthday = rng.randint(0, 364)
    last_birthday = today - dt.timedelta(days=days_since_birthday)
    try:
        return last_birthday.replace(year=last_birthday.year - age)
    except ValueError:  # 29 February
        return last_birthday.replace(year=last_birthday.year - age, day=28)


class IdMaker:
    """Unique checksum-valid resident IDs for one county prefix."""

    def __init__(self, area6: str, taken: set[str]) -> None:
        self.area6 = area6
        self.taken = taken
        self.next: dict[tuple[dt.date, str], int] = {}

    def make(self, birth: dt.date, sex: str) -> str:
        key = (birth, sex)
        seq = self.next.get(key, 1 if sex == "M" else 0)  # odd order code = male
        while True:
            if seq > 999:
                raise RuntimeError(f"too many people born on {birth} in {self.area6}")
            number = rid.make(self.area6, birth, seq)
            seq += 2
            if number not in self.taken:
                self.next[key] = seq
                self.taken.add(number)
                return number


def _education(rng: random.Random, age: int, birth_year: int) -> str:
    E = Education
    options: tuple[str, ...]
    weights: tuple[int, ...]
    if age < 6:
        return E.PRESCHOOL
    if age <= 11:
        return E.PRIMARY
    if age <= 15:
        return E.JUNIOR
    if birth_year < 1950:
        options, weights = (E.ILLITERATE, E.PRIMARY, E.JUNIOR), (40, 50, 10)
    elif birth_year < 1970:
        options, weights = (E.ILLITERATE, E.PRIMARY, E.JUNIOR, E.SENIOR), (15, 50, 30, 5)
    elif birth_year < 1985:
        options, weights = (E.ILLITERATE, E.PRIMARY, E.JUNIOR, E.SENIOR, E.COLLEGE), (3, 30, 50, 14, 3)
    else:
        options, weights = (E.PRIMARY, E.JUNIOR, E.SENIOR, E.COLLEGE), (10, 50, 28, 12)
    return rng.choices(options, weights)[0]


def _schooling(rng: random.Random, p: Person) -> str:
    S, age = Schooling, p.age
    if 6 <= age <= 15:
        if p.disabled and p.grade in ("1", "2") and rng.random() < 0.5:
            return S.NOT_IN_SCHOOL  # taught at home (送教上门)
        if rng.random() < 0.002:
            return S.NOT_IN_SCHOOL  # a dropout: what 控辍保学 checks look for
        if age <= 11:
            return S.PRIMARY
        if age == 15:
            return S.GRADE9 if rng.random() < 0.6 else S.SENIOR
        return (S.GRADE7, S.GRADE8, S.GRADE9)[age - 12]
    if 3 <= age <= 5:
        return S.PRESCHOOL if rng.random() < 0.75 else S.NOT_IN_SCHOOL
    if 16 <= age <= 18:
        return rng.choices((S.SENIOR, S.SECONDARY_VOC, S.NOT_IN_SCHOOL), (55, 25, 20))[0]
    if 19 <= age <= 22:
        return rng.choices((S.HIGHER_VOC, S.COLLEGE, S.BACHELOR, S.NOT_IN_SCHOOL),
                           (10, 8, 10, 72))[0]
    return S.NOT_IN_SCHOOL


def fill(rng: random.Random, people: list[Person], *, registered: bool, today: dt.date,
         ethnic: tuple[tuple[str, float], ...], ids: IdMaker) -> None:
    """Names, births, IDs and every per-person attribute, in place."""
    head = people[0]
    family = names.surname(rng)
    spouse_family = names.surname(rng)
    # Children carry the man's surname; in-laws bring their own.
    child_family = family if head.sex == "M" else spouse_family
    groups = [e for e, _ in ethnic]
    weights = [w for _, w in ethnic]
    household_ethnicity = rng.choices(groups, weights)[0]
    sick = 1.0 if registered else 0.55
    for p in people:
        if p.relation in (R.HEAD, R.FATHER):
            p.family = family
        elif p.relation == R.SPOUSE:
            p.family = spouse_family
        elif p.relation in (R.MOTHER, R.DAUGHTER_IN_LAW):
            p.family = names.surname(rng)
        else:
            p.family = child_family
        p.name = names.full_name(rng, p.family, p.sex)
        p.birth = _birth(rng, p.age, min(DATA_DATE, today))
        p.age = today.year - p.birth.year - ((today.month, today.day) < (p.birth.month, p.birth.day))
        p.resident_id = ids.make(p.birth, p.sex)
        p.ethnicity = household_ethnicity if p.relation not in (
            R.SPOUSE, R.DAUGHTER_IN_LAW) else rng.choices(groups, weights)[0]
        age = p.age
        p.chronic = rng.random() < sick * (0.18 if age >= 45 else 0.04 if age >= 18 else 0.01)
        p.serious = rng.random() < sick * (0.03 if age >= 40 else 0.005)
        p.disabled = rng.random() < sick * (0.05 if age >= 16 else 0.02)
        if p.disabled:
            p.grade = rng.choices("1234", (15, 25, 30, 30))[0]
        p.education = _education(rng, age, p.birth.year)
        p.schooling = _schooling(rng, p)
        _work(rng, p)
        p.insured = rng.random() < (0.998 if registered else 0.993)
        p.pension = age >= 16 and p.schooling == Schooling.NOT_IN_SCHOOL and rng.random() < 0.85


def _work(rng: random.Random, p: Person) -> None:
    age, L = p.age, Labour
    if age < 16 or p.schooling != Schooling.NOT_IN_SCHOOL:
        p.labour = L.NONE
    elif p.serious or (p.disabled and p.grade in ("1", "2")):
        p.labour = L.LOST
    elif age >= 70:
        p.labour = L.WEAK if rng.random() < 0.3 else L.NONE
    elif age >= 60 or p.chronic or p.disabled:
        p.labour = L.WEAK if rng.random() < 0.7 else L.ORDINARY
    else:
        p.labour = L.SKILLED if rng.random() < 0.15 else L.ORDINARY
    p.employment, p.months = Employment.NONE, 0
    if p.labour in (L.ORDINARY, L.SKILLED) and 18 <= age <= 58 and rng.random() < 0.65:
        p.employment = rng.choices((Employment.IN_COUNTY, Employment.IN_PROVINCE,
                                    Employment.OUT_PROVINCE), (35, 30, 35))[0]
        p.months = rng.choices((6, 8, 9, 10, 11, 12), (5, 8, 10, 20, 22, 35))[0]
    elif p.labour == L.WEAK and age <= 65 and rng.random() < 0.2:
        p.employment, p.months = Employment.IN_COUNTY, rng.randint(3, 8)
