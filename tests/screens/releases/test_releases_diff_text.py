"""The values/terraform diff on the Releases step: each kind of line in its colour."""

from __future__ import annotations

from textual.content import Span

from tui.screens.releases.panel import diff_text

DIFF = "--- a/values.yaml\n+++ b/values.yaml\n@@ -1,2 +1,2 @@\n ctx\n-old: 1\n+new: 2\n"


def test_each_kind_of_diff_line_has_its_style_and_the_text_is_kept() -> None:
    shown = diff_text(DIFF)
    assert shown.plain == DIFF
    assert list(shown.spans) == [
        Span(0, 18, "bold"),
        Span(18, 36, "bold"),
        Span(36, 52, "$text-secondary"),
        Span(57, 65, "$error"),
        Span(65, 73, "$success"),
    ]


def test_a_long_diff_is_shown_up_to_twenty_thousand_lines_each_styled() -> None:
    diff = "".join(f"+line {n}\n" for n in range(25_000))  # built once, not line by line
    shown = diff_text(diff)
    assert shown.plain.count("\n") == 20_000
    assert len(shown.spans) == 20_000 and shown.spans[-1].style == "$success"
