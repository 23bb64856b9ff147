"""How a values pane fits `key: value` into its width: the value first, a short key whole."""

from __future__ import annotations

import re

from tui.widgets.values_panes import fit_key_value, shorten_placeholders

PATTERN = re.compile(r"<\s*REPLACE_VALUE_[A-Z0-9_]+\s*>")


def test_both_fit_and_nothing_changes() -> None:
    assert fit_key_value("  tag", "10.6.2605", 40, PATTERN) == ("  tag", "10.6.2605")


def test_a_long_key_gives_way_to_a_value_that_then_fits_whole() -> None:
    key, value = fit_key_value(
        "    eks.amazonaws.com/nodegroup", "acme-mocm-prod-general", 44, None
    )
    assert value == "acme-mocm-prod-general"
    assert key == "    eks.amazonaws.c…" and len(key) + 2 + len(value) <= 44


def test_a_short_key_stays_whole_when_the_value_is_cut_anyway() -> None:
    arn = "arn:aws:acm:eu-central-1:210987654321:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    key, value = fit_key_value("    certificateArn", arn, 44, PATTERN)
    assert key == "    certificateArn" and value == arn  # the pane cuts the value with …


def test_a_long_key_beside_a_long_value_keeps_half_the_room() -> None:
    key, _ = fit_key_value("  " + "k" * 60, "v" * 60, 44, None)
    assert len(key) == 21 and key.endswith("…")


def test_a_placeholder_is_shortened_on_its_left_keeping_its_name() -> None:
    value = "< REPLACE_VALUE_MONGODB_STORAGE_CLASS >"
    assert shorten_placeholders(value, PATTERN, 100) == value  # fits: as written
    assert shorten_placeholders(value, PATTERN, 30) == "<…VALUE_MONGODB_STORAGE_CLASS>"
    assert shorten_placeholders(value, PATTERN, 25) == "<…MONGODB_STORAGE_CLASS>"  # a word more
    key, shown = fit_key_value("    storageClass", value, 44, PATTERN)
    assert key == "    storageClass" and shown.endswith("STORAGE_CLASS>")
    assert len(key) + 2 + len(shown) <= 44
