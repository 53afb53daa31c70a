"""core.text's control-character check: the one-pattern search refuses exactly the
characters the per-character rule refuses, over every code point, in both modes."""

from __future__ import annotations

import pytest

from core.text import _forbidden, has_control_characters


@pytest.mark.parametrize("multiline", [False, True])
def test_the_pattern_refuses_exactly_what_the_rule_refuses(multiline: bool) -> None:
    differing = [
        code
        for code in range(0x110000)
        if has_control_characters(chr(code), multiline=multiline)
        != _forbidden(chr(code), multiline=multiline)
    ]
    assert differing == []


def test_a_forbidden_character_anywhere_in_a_value_is_found() -> None:
    assert has_control_characters("张三\x00")
    assert has_control_characters("a\ufffeb") and has_control_characters("x\U0010ffff")
    assert not has_control_characters("上海市 浦东新区\u3000张江路 1 号")
    assert has_control_characters("line\nbreak")
    assert not has_control_characters("line\r\nbreak\tand tab", multiline=True)
