"""Loading both values files in child processes gives what loading them here gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.errors import ParseError
from tui.core.values.doc import dump_text
from tui.core.values.load import load_values, load_values_pair


def test_pair_load_matches_a_plain_load(samples: Path) -> None:
    prev, tmpl = samples / "values_prev.yaml", samples / "values_new_template.yaml"
    a, b = load_values_pair(prev, tmpl)
    for doc, path in ((a, prev), (b, tmpl)):
        here = load_values(path)
        assert doc.sha256 == here.sha256 and doc.text == here.text
        assert dump_text(doc.yaml(), doc.data) == dump_text(here.yaml(), here.data)
        assert doc.data["global"].lc.line == here.data["global"].lc.line  # line numbers kept


def test_a_bad_file_raises_the_same_error_as_a_plain_load(samples: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("global:\n  image: [unclosed\n")
    with pytest.raises(ParseError) as plain:
        load_values(bad)
    with pytest.raises(ParseError) as paired:
        load_values_pair(samples / "values_prev.yaml", bad)
    assert paired.value.message == plain.value.message
    assert paired.value.line is not None
