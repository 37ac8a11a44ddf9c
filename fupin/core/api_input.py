"""Strict input for the API's nested fields (issue 12).

- `StrictSerializer`: refuses keys it does not know (a typo or a field the server sets
  itself, such as a visit problem's `source`, is a 400, not silently dropped or a 500).
- `TextField`: text only (a number where text belongs is refused), no NUL.
- `NulFreeJSONParser`: refuses any JSON body holding a NUL character (PostgreSQL cannot store
  it in text or JSON), whatever field it is in, with a Chinese message.

Serializers built from these are named in the OpenAPI schema, so schemathesis generates the
nested shapes too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

NUL_MESSAGE = "内容中含有空字符（\\u0000），请删除后再提交"


def contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_nul(v) for v in value)
    return False


class NulFreeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if contains_nul(data):
            raise ParseError(NUL_MESSAGE)
        return data


class TextField(serializers.CharField):
    """Text only: numbers, lists and objects are refused rather than turned into text."""

    default_error_messages = {"not_text": "应为文字"}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        if "\x00" in data:
            raise serializers.ValidationError(NUL_MESSAGE)
        return str(super().to_internal_value(data))


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses unknown keys with a Chinese message naming them."""

    default_error_messages = {"invalid": "应为对象（键值对）"}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["应为对象（键值对）"]})
        unknown = sorted(str(k) for k in data if k not in self.fields)
        if unknown:
            raise serializers.ValidationError(
                {k: [f"不能提交“{k}”：不是本接口的字段"] for k in unknown})
        return super().to_internal_value(data)
