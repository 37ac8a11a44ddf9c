"""Synthetic Chinese names for the demo registry.

Common surnames (with the ones frequent in north-east Chongqing and among the Tujia and Miao
of Xiushan weighted up) and everyday given-name characters. Names that occur anywhere in the
seed articles are never produced (`EXCLUDED`), so no real person named there is re-used.
"""

from __future__ import annotations

import random
from functools import cache

from pypinyin.constants import PHRASES_DICT

from fupin.registry.services import pinyin_of

# (surname, weight): weights are rough shares, not statistics.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 70), ("李", 70), ("张", 65), ("刘", 60), ("陈", 55), ("杨", 50), ("黄", 25),
    ("赵", 25), ("吴", 25), ("周", 25), ("徐", 18), ("孙", 15), ("马", 12), ("朱", 12),
    ("胡", 15), ("郭", 12), ("何", 20), ("高", 12), ("林", 8), ("罗", 20), ("郑", 10),
    ("梁", 10), ("谢", 15), ("宋", 10), ("唐", 18), ("许", 8), ("韩", 6), ("冯", 10),
    ("邓", 18), ("曹", 8), ("彭", 18), ("曾", 12), ("肖", 12), ("田", 18), ("董", 6),
    ("袁", 10), ("潘", 6), ("蒋", 10), ("蔡", 6), ("余", 12), ("杜", 8), ("叶", 6),
    ("程", 6), ("魏", 6), ("丁", 5), ("任", 8), ("姚", 5), ("卢", 5), ("钟", 6), ("谭", 20),
    ("陆", 4), ("汪", 5), ("范", 5), ("石", 12), ("廖", 8), ("贾", 4), ("夏", 6), ("付", 8),
    ("方", 5), ("白", 10), ("邹", 5), ("熊", 10), ("秦", 8), ("向", 18), ("冉", 12),
    ("龙", 10), ("雷", 6), ("段", 5), ("侯", 5), ("黎", 5), ("贺", 5), ("毛", 5), ("龚", 6),
    ("万", 6), ("牟", 8), ("苏", 6), ("江", 6), ("邱", 5), ("严", 4), ("覃", 5), ("吕", 5),
)
MALE_CHARS = "国建明华军伟强平林勇军兵德福贵安成荣宏志永海江波涛辉刚文武俊杰斌超鹏浩宇飞洪发祥财富生"
FEMALE_CHARS = "秀英兰芳玉梅珍桂琴红霞丽燕萍敏静娟婷雪莉春花凤云香翠菊淑素琼容艳美慧玲芬"

# Full names (surname + given) that appear in the seed articles; generated at development
# time by scanning /work/shared/seeds for every name this module can produce.
EXCLUDED: frozenset[str] = frozenset({
    "万平", "卢伟", "卢伟德", "向文", "唐玉", "唐玉容", "张玉", "李建", "李玉", "李美", "李美容", "李花", "段建", "王静", "谭志", "谭志生", "陈伟", "陈浩", "黄志", "黄明",
})

_SURNAME_LIST = [s for s, _ in SURNAMES]
_SURNAME_CUM: list[int] = []
_total = 0
for _s, _w in SURNAMES:
    _total += _w
    _SURNAME_CUM.append(_total)
MALE = sorted(set(MALE_CHARS))
FEMALE = sorted(set(FEMALE_CHARS))


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM, k=1)[0]


def given(rng: random.Random, sex: str) -> str:
    chars = MALE if sex == "M" else FEMALE
    if rng.random() < 0.15:
        return rng.choice(chars)
    return rng.choice(chars) + rng.choice(chars)


def full_name(rng: random.Random, family: str, sex: str) -> str:
    while True:
        name = family + given(rng, sex)
        if name not in EXCLUDED:
            return name


@cache
def _pinyin(text: str) -> tuple[str, str]:
    return pinyin_of(text)


@cache
def cached_pinyin(name: str) -> tuple[str, str]:
    """`pinyin_of(name)`, once per distinct name, composed from the surname's and the given
    name's (each computed once) unless a dictionary phrase starts at the surname, the only
    case where pypinyin's forward segmentation of the whole name differs from the parts."""
    if any(name[:k] in PHRASES_DICT for k in range(2, len(name) + 1)):
        return pinyin_of(name)
    family, given = _pinyin(name[0]), _pinyin(name[1:])
    return family[0] + given[0], family[1] + given[1]


def all_names() -> set[str]:
    """Every name this module can produce (for building EXCLUDED)."""
    givens = list(MALE) + list(FEMALE)
    givens += [a + b for chars in (MALE, FEMALE) for a in chars for b in chars]
    return {s + g for s in _SURNAME_LIST for g in givens}
