"""The one escaping function: nothing a file holds can drive the operator's terminal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.printable import printable


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("aws_instance.web", "aws_instance.web"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),  # clear screen
        ("a\x1b]0;title\x07", "a\\x1b]0;title\\x07"),  # retitle the window
        ("line\rover", "line\\x0dover"),  # carriage return overwrites the line
        ("two\nlines", "two\\x0alines"),
        ("tab\there", "tab\\x09here"),
        ("del\x7f", "del\\x7f"),
        ("c1\x9b31m", "c1\\x9b31m"),  # the one-byte CSI
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),  # right-to-left override
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("bom\ufeff", "bom\\ufeff"),
        ("ünïcødé — ok", "ünïcødé — ok"),
    ],
)
def test_control_and_formatting_characters_are_escaped(raw: str, shown: str) -> None:
    assert printable(raw) == shown


@given(st.text())
def test_no_control_character_survives_and_escaping_is_stable(text: str) -> None:
    once = printable(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in once)
    assert "\u202e" not in once and "\u2066" not in once
    assert printable(once) == once
