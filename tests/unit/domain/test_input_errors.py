"""The Chinese wording of validation errors, branch by branch (pydantic's own error dicts)."""

from __future__ import annotations

from typing import Annotated, Any

import annotated_types
import pytest
from pydantic import BaseModel, Field, ValidationError, field_validator

from qitong.domain.input_errors import field_of, labelled, reason


class Form(BaseModel):
    title: str = Field(min_length=4, max_length=8)
    count: Annotated[int, annotated_types.Interval(ge=1, le=5)] = 1
    tags: list[str] = Field(default_factory=list, max_length=2)
    kind: str = Field(default="a", pattern="^[a-z]+$")
    day: Any = None

    @field_validator("day")
    @classmethod
    def _day(cls, v: Any) -> Any:
        if v == "bad":
            raise ValueError("日期须在受理之后")
        return v


def first(**data: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as e:
        Form(**data)
    return dict(e.value.errors()[0])


@pytest.mark.parametrize(("data", "words"), [
    ({}, "必填"),
    ({"title": "短"}, "至少 4 个字"),
    ({"title": "很长很长很长很长很长"}, "最多 8 个字"),
    ({"title": "标题四字", "count": 0}, "不能小于 1"),
    ({"title": "标题四字", "count": 6}, "不能大于 5"),
    ({"title": "标题四字", "count": "x"}, "应为整数"),
    ({"title": "标题四字", "tags": ["a", "b", "c"]}, "最多 2 项"),
    ({"title": "标题四字", "kind": "A B"}, "格式不正确"),
    ({"title": "标题四字", "day": "bad"}, "日期须在受理之后"),
    ({"title": 5}, "应为文字"),
])
def test_reason_says_what_is_wrong(data: dict[str, Any], words: str) -> None:
    assert reason(first(**data)) == words


def test_other_bounds_and_choices() -> None:
    assert reason({"type": "greater_than", "ctx": {"gt": 0}}) == "应大于 0"
    assert reason({"type": "less_than", "ctx": {"lt": 9}}) == "应小于 9"
    assert reason({"type": "too_short", "ctx": {"min_length": 1}}) == "至少 1 项"
    assert reason({"type": "less_than", "ctx": {}}) == "超出允许范围"  # a bound pydantic did not report
    assert reason({"type": "enum", "ctx": {"expected": "'help' or 'odd'"}}) == "取值不在允许范围内（可选：help（求助/办事协调）、odd）"
    forum = "<Channel.forum: 'forum'> or <Channel.visit: 'visit'>"
    assert reason({"type": "literal_error", "ctx": {"expected": forum}}) == "取值不在允许范围内（可选：forum（政企座谈会）、visit（走访））"
    assert reason({"type": "literal_error"}) == "取值不在允许范围内"
    assert reason({"type": "json_invalid", "msg": "Invalid JSON"}) == "JSON 格式错误"
    assert reason({"type": "something_new", "msg": "whatever"}) == "格式不正确"


def test_hints_override_the_wording() -> None:
    err = first(title="标题四字", kind="A B")
    assert reason(err, {"string_pattern_mismatch": "只能使用小写字母"}) == "只能使用小写字母"
    assert labelled(err, "代码", hints={"string_pattern_mismatch": "只能使用小写字母"}) == "“代码”只能使用小写字母"
    validator = first(title="标题四字", day="bad")
    assert labelled(validator, "日期", hints={"value_error": "另说"}) == "“日期”另说"


def test_labelled_sentences() -> None:
    assert labelled(first(), "标题") == "请填写“标题”"
    assert labelled(first(), "标题", missing="缺少") == "缺少“标题”"
    assert labelled(first(title="短"), "标题") == "“标题”至少 4 个字"
    assert labelled(first(title="标题四字", day="bad"), "日期") == "日期须在受理之后"  # names what it checks


def test_field_of_drops_only_the_location_prefix() -> None:
    assert field_of({"loc": ("body", "title")}) == "title"
    assert field_of({"loc": ("path", "ticket_id")}) == "ticket_id"
    assert field_of({"loc": ("items", 2, "body")}) == "items.2.body"  # a field may be called "body"
    assert field_of({"loc": ("title",)}) == "title"
    assert field_of({}) == ""
