"""Pinyin of names, for search by pinyin and initials."""

from __future__ import annotations

from pypinyin import lazy_pinyin

# Surnames whose reading differs from the character's common reading.
SURNAME_PINYIN = {
    "曾": "zeng", "覃": "qin", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao",
    "查": "zha", "区": "ou", "盖": "ge", "缪": "miao", "翟": "zhai", "乐": "yue", "尉": "yu",
    "員": "yun", "召": "shao", "繁": "po", "种": "chong", "秘": "bi", "任": "ren", "沈": "shen",
}


def pinyin_of(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name, lower case: ("zhangsan", "zs"); surnames read
    as surnames (曾 zeng, 覃 qin)."""
    syllables = lazy_pinyin(name, errors="ignore")
    if name and name[0] in SURNAME_PINYIN and syllables:
        syllables[0] = SURNAME_PINYIN[name[0]]
    initials = [s[0] for s in syllables if s]
    return "".join(syllables).lower()[:100], "".join(initials).lower()[:20]
