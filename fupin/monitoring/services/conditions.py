"""The condition language of monitoring rules, compiled to parameterised, portable SQL.

Grammar (no SQL from users ever reaches the database: identifiers are looked up in a
fixed table of feature and setting columns, numbers become bound parameters)::

    condition  := or
    or         := and ( ("or" | "或") and )*
    and        := not ( ("and" | "且") not )*
    not        := ("not" | "非") not | comparison | "(" condition ")"
    comparison := sum ( "<" | "<=" | ">" | ">=" | "=" | "==" | "!=" | "<>" ) sum
    sum        := product ( ("+" | "-") product )*
    product    := unary ( ("*" | "/") unary )*
    unary      := "-" unary | NUMBER | IDENTIFIER | "(" sum ")"

Example: ``income_per_capita < poverty_line and members >= 1``. A missing value (no
income recorded, no roster uploaded) makes a comparison unknown, so the rule does not
fire (SQL three-valued logic, the same on SQLite, PostgreSQL and Spark).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

MAX_LENGTH = 1000
MAX_DEPTH = 40

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?%?)
  | (?P<op><=|>=|==|!=|<>|<|>|=|\+|-|\*|/|\(|\))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*|且|或|非)
""", re.VERBOSE)

KEYWORDS = {"and": "and", "且": "and", "or": "or", "或": "or", "not": "not", "非": "not"}
COMPARATORS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "=", "==": "=", "!=": "<>",
               "<>": "<>"}


class ConditionError(ValidationError):
    """An invalid condition, with the 1-based character position of the error."""

    def __init__(self, message: str, position: int, text: str = "") -> None:
        self.position = position
        pointer = ""
        if text:
            start = max(0, position - 1 - 10)
            pointer = f"：…{text[start:position - 1]}⟦{text[position - 1:position + 9]}⟧"
        super().__init__(f"条件第 {position} 个字符处{message}{pointer}", code="condition")


@dataclass
class Token:
    kind: str  # num, op, word, kw, end
    text: str
    pos: int  # 1-based


@dataclass
class Compiled:
    """A compiled condition: SQL text with %s placeholders, its parameters in order, and the
    identifiers it reads (their values are stored with each warning)."""

    sql: str
    params: list[Decimal]
    names: list[str] = field(default_factory=list)


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"条件过长（最多 {MAX_LENGTH} 个字符）", MAX_LENGTH + 1)
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m:
            ch = text[i]
            hint = "：字符串、引号、分号和 SQL 语句都不允许" if ch in "'\";`" else ""
            raise ConditionError(f"有不能识别的字符“{ch}”{hint}", i + 1, text)
        kind = m.lastgroup or ""
        value = m.group()
        if kind == "word" and value.lower() in KEYWORDS:
            tokens.append(Token("kw", KEYWORDS[value.lower()], i + 1))
        elif kind != "ws":
            tokens.append(Token(kind, value, i + 1))
        i = m.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str, columns: Mapping[str, str], labels: Mapping[str, str]) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.columns = columns
        self.labels = labels
        self.params: list[Decimal] = []
        self.names: list[str] = []
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(self, message: str, tok: Token | None = None) -> ConditionError:
        t = tok or self.tok
        return ConditionError(message, t.pos, self.text)

    def expect(self, text: str) -> None:
        if self.tok.text != text or self.tok.kind not in ("op", "kw"):
            found = f"“{self.tok.text}”" if self.tok.kind != "end" else "条件结尾"
            raise self.error(f"应为“{text}”，实际是{found}")
        self.i += 1

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("嵌套层数过多")

    # boolean level
    def condition(self) -> str:
        self.enter()
        parts = [self.conj()]
        while self.tok.kind == "kw" and self.tok.text == "or":
            self.i += 1
            parts.append(self.conj())
        self.depth -= 1
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    def conj(self) -> str:
        parts = [self.neg()]
        while self.tok.kind == "kw" and self.tok.text == "and":
            self.i += 1
            parts.append(self.neg())
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"

    def neg(self) -> str:
        if self.tok.kind == "kw" and self.tok.text == "not":
            self.i += 1
            self.enter()
            inner = self.neg()
            self.depth -= 1
            return f"(NOT {inner})"
        if self.tok.kind == "op" and self.tok.text == "(" and self._paren_is_boolean():
            self.i += 1
            inner = self.condition()
            self.expect(")")
            return inner
        return self.comparison()

    def _paren_is_boolean(self) -> bool:
        """Does the parenthesis at the cursor hold a condition (not an arithmetic term)?"""
        depth = 0
        for t in self.tokens[self.i:]:
            if t.kind == "op" and t.text == "(":
                depth += 1
            elif t.kind == "op" and t.text == ")":
                depth -= 1
                if depth == 0:
                    return False
            elif depth >= 1 and (t.kind == "kw" or (t.kind == "op" and t.text in COMPARATORS)):
                if depth == 1:
                    return True
            elif t.kind == "end":
                return False
        return False

    def comparison(self) -> str:
        start = self.tok
        left = self.sum()
        if not (self.tok.kind == "op" and self.tok.text in COMPARATORS):
            if self.tok.kind == "end" or self.tok.kind == "kw" or self.tok.text == ")":
                raise self.error("缺少比较运算符（<、<=、>、>=、=、!=），单独的数值不能作为条件",
                                 start)
            raise self.error(f"应为比较运算符，实际是“{self.tok.text}”")
        op = COMPARATORS[self.tok.text]
        self.i += 1
        right = self.sum()
        if self.tok.kind == "op" and self.tok.text in COMPARATORS:
            raise self.error("比较不能连写（如 a < b < c），请用 and 连接")
        return f"({left} {op} {right})"

    # arithmetic level
    def sum(self) -> str:
        out = self.product()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.tok.text
            self.i += 1
            out = f"({out} {op} {self.product()})"
        return out

    def product(self) -> str:
        out = self.unary()
        while self.tok.kind == "op" and self.tok.text in "*/":
            op = self.tok.text
            self.i += 1
            right = self.unary()
            # division is exact (integer division truncates on SQL engines) and division
            # by zero is NULL (unknown) instead of an error, on every engine
            out = (f"({out} * 1.0 / NULLIF({right}, 0))" if op == "/"
                   else f"({out} {op} {right})")
        return out

    def unary(self) -> str:
        tok = self.tok
        if tok.kind == "op" and tok.text == "-":
            self.i += 1
            self.enter()
            inner = self.unary()
            self.depth -= 1
            return f"(0 - {inner})"
        if tok.kind == "num":
            self.i += 1
            text = tok.text
            value = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
            if len(text) > 20:
                raise self.error("数字过长", tok)
            self.params.append(value)
            return "%s"
        if tok.kind == "word":
            self.i += 1
            name = tok.text
            if name not in self.columns:
                hint = _suggest(name, self.columns)
                raise self.error(f"“{name}”不是已知的特征或参数名{hint}", tok)
            if name not in self.names:
                self.names.append(name)
            return self.columns[name]
        if tok.kind == "op" and tok.text == "(":
            self.i += 1
            self.enter()
            inner = self.sum()
            self.depth -= 1
            self.expect(")")
            return inner
        if tok.kind == "end":
            raise self.error("条件不完整，结尾缺少数值或名称")
        if tok.kind == "kw":
            raise self.error(f"此处应为数值或名称，实际是关键字“{tok.text}”")
        raise self.error(f"此处应为数值或名称，实际是“{tok.text}”")


def _suggest(name: str, columns: Mapping[str, str]) -> str:
    import difflib
    close = difflib.get_close_matches(name, list(columns), n=1)
    return f"，是否想写“{close[0]}”？" if close else ""


def compile_condition(text: str, columns: Mapping[str, str],
                      labels: Mapping[str, str] | None = None) -> Compiled:
    """Compile `text` against `columns` (identifier -> SQL column expression).

    Raises ConditionError (a ValidationError with a Chinese message and position)."""
    text = (text or "").strip()
    if not text:
        raise ConditionError("条件不能为空", 1)
    parser = _Parser(text, columns, labels or {})
    sql = parser.condition()
    if parser.tok.kind != "end":
        raise parser.error(f"多余的内容“{parser.tok.text}”（缺少 and / or？）")
    return Compiled(sql=sql, params=parser.params, names=parser.names)


def identifiers(text: str) -> list[str]:
    """Names a condition mentions (without validating them)."""
    return [t.text for t in tokenize(text) if t.kind == "word"]
