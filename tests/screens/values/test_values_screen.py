"""Pilot tests of the values merge editor: what the operator sees, which keys work.

Saving, leaving with unsaved work and keep: test_values_screen_save.py; auto-fill:
test_values_screen_autofill.py.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, LoadingIndicator, Static

from tests.support.values_screen import (
    BOOK,
    ORPHAN_LABEL,
    SAMPLE_SECRETS,
    VALUES,
    add_orphan,
    auto_fill,
    detail,
    open_values,
    screen_text,
    status,
    values_app,
    values_loaded,
)
from tests.support.waiting import (
    BOUND_S,
    screen_is,
    settle,
    wait_until,
)
from tui.core.releases.directories import load_pair
from tui.core.steps import FORWARD_STEPS, StepStatus
from tui.core.values.files import locate_values
from tui.screens.values import panel as panel_module
from tui.screens.values.panel import INDICATOR_DELAY_S, ValuesPanel
from tui.widgets.dialogs.confirm import ConfirmDialog
from tui.widgets.dialogs.error import ErrorDialog
from tui.widgets.values_panes import ValuesPanes


async def test_opens_on_the_sample_with_29_placeholders(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert "Placeholders left 29" in status(panel)
        # The node selector goes into the template's open map `nodeSelector: {}`: no orphan.
        assert "orphans undecided 0 · open maps to carry 1" in status(panel)
        text = screen_text(app)
        assert "7. Values — mocm/values.yaml" in text
        assert "previous: mocm-10.5.2603" in text and "new: mocm-10.6.2605" in text
        rows = panel.panes.visible_text()
        # line numbers of each side: tag is line 9 on the left, 10 on the right
        assert "  9     tag: 10.5.2603" in rows and " 10     tag: 10.6.2605" in rows
        # The key as written (no Helm escapes); the value keeps its room first.
        assert "    eks.amazonaws.…: acme-mocm-prod-general" in rows
        assert app.statuses["values"] is StepStatus.IN_PROGRESS


async def test_a_true_orphan_is_counted_apart_from_open_map_values(tmp_path: Path) -> None:
    app, prev, _ = values_app(tmp_path)
    add_orphan(prev)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert "orphans undecided 1 · open maps to carry 1" in status(panel)
        await pilot.press("o")  # in file order: the open map's value first
        assert detail(panel).startswith("global.nodeSelector.eks\\.amazonaws\\.com/nodegroup")
        assert "carried into an open map" in detail(panel)
        await pilot.press("o")
        assert detail(panel).startswith(f"{ORPHAN_LABEL}  orphan: the new file has no such key")


async def test_p_port_undo_redo(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("p")
        assert detail(panel).startswith("global.image.registry  placeholder to fill")
        await pilot.press("right")
        assert "Placeholders left 28" in status(panel)
        assert "unsaved changes" in status(panel)
        assert "new: 210987654321.dkr.ecr.eu-central-1.amazonaws.com" in detail(panel)
        await pilot.press("u")
        assert "Placeholders left 29" in status(panel)
        assert "new: < REPLACE_VALUE_IMAGE_REGISTRY >" in detail(panel)
        await pilot.press("ctrl+y")
        assert "Placeholders left 28" in status(panel)
        await pilot.press("p", "space")  # the next placeholder is productKey (a secret)
        assert "Placeholders left 27" in status(panel)
        assert app.check_action("undo", ()) is True or panel.check_action("undo", ()) is True


async def test_secrets_stay_masked_until_revealed(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await auto_fill(app, pilot)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "admin.password"
        await pilot.press("enter")
        assert detail(panel).startswith("credentials.admin.password")
        assert not any(secret in screen_text(app) for secret in SAMPLE_SECRETS)
        assert "••••••" in screen_text(app)
        await pilot.press("r")
        assert "Vq8#nT2!eL6@rW4z" in screen_text(app)
        assert "c9R$kP3^wQ7&mZ1x" not in screen_text(app)  # only the row under the cursor
        await pilot.press("down")  # moving on hides it again
        assert not any(secret in screen_text(app) for secret in SAMPLE_SECRETS)
        await pilot.press("up", "e")  # editing a secret: nothing prefilled, typed blind
        field = app.screen.query_one(Input)
        assert field.value == "" and field.password
        field.value = '"Vq8#nT2"typo"'  # a broken quoted string
        await pilot.press("enter")
        await pilot.pause()
        told = " ".join(n.message for n in app._notifications)
        assert "was refused" in told and "Vq8#nT2" not in told  # refused, not echoed


async def test_keys_grey_out_where_they_cannot_run(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert panel.check_action("undo", ()) is None
        await pilot.press("slash")
        app.screen.query_one(Input).value = "digestPinning"  # new in this release
        await pilot.press("enter")
        assert panel.check_action("port", ()) is None
        assert panel.check_action("carry", ()) is None
        assert panel.check_action("edit", ()) is True
        await pilot.press("right")  # greyed out: nothing happens
        assert "nothing unsaved" in status(panel)
        assert panel.check_action("bump_tag", ()) is None  # the template already has the build
        await pilot.press("f", "f", "f")  # filter: orphans and open maps
        assert "filter orphans and open maps · 1/1" in status(panel)
        assert panel.check_action("carry", ()) is True
        assert panel.check_action("port_subtree", ()) is None
        await pilot.press("x")
        assert "open maps to carry" not in status(panel)
        assert "decided: drop it" in detail(panel)
        assert panel.check_action("drop", ()) is None
        await pilot.press("c")
        assert "open maps to carry" not in status(panel)
        assert "filter orphans and open maps · 0/0" in status(panel)  # carried: none left
        assert "No row matches the filter “orphans and open maps”" in detail(panel)
        await pilot.press("u", "u")
        assert "open maps to carry 1" in status(panel)


async def test_keep_on_a_placeholder_is_refused_with_a_plain_notice(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("p")
        assert detail(panel).startswith("global.image.registry  placeholder to fill")
        assert panel.check_action("keep", ()) is True  # the key runs, to say why not
        await pilot.press("k")
        await pilot.pause()
        told = [n.message for n in app._notifications]
        assert any(
            "global.image.registry holds a placeholder: keeping it means Helm deploys it "
            "literally. Fill it"
            in message
            and "edit it (e)" in message
            for message in told
        )
        assert "decided" not in detail(panel) and "kept" not in status(panel)
        assert "Placeholders left 29" in status(panel) and "nothing unsaved" in status(panel)
        assert panel.check_action("undo", ()) is None  # nothing was recorded


async def test_edit_in_place_and_bad_input_changes_nothing(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "componentReplicas.api"
        await pilot.press("enter", "e")
        assert app.screen.query_one(Input).value == "3"
        app.screen.query_one(Input).value = "[1, 2"
        await pilot.press("enter")
        await pilot.pause()
        assert "new: 3" in detail(panel)
        assert "nothing unsaved" in status(panel)
        assert any("not a single value" in n.message for n in app._notifications)
        await pilot.press("e")
        app.screen.query_one(Input).value = "5"
        await pilot.press("enter")
        assert "new: 5" in detail(panel) and "differs" in detail(panel)
        assert "differ 2" in status(panel)


async def test_image_tag_bumped_to_the_current_build(tmp_path: Path) -> None:
    app, _, curr = values_app(tmp_path)
    path = curr / VALUES
    path.write_text(path.read_text().replace('tag: "10.6.2605"', 'tag: "10.6.0000"'))
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        assert panel.check_action("bump_tag", ()) is True
        await pilot.press("t")
        await pilot.press("slash")
        app.screen.query_one(Input).value = "image.tag"
        await pilot.press("enter")
        assert "new: 10.6.2605" in detail(panel)
        assert panel.check_action("bump_tag", ()) is None


async def test_malformed_previous_values_show_the_line(tmp_path: Path) -> None:
    app, prev, curr = values_app(tmp_path)
    (prev / VALUES).write_text("global:\n  image: [unclosed\nother: 1\n")
    before = (curr / VALUES).read_bytes()
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        await wait_until(app, pilot, screen_is(app, ErrorDialog), "the error dialog of the load")
        await settle(app, pilot)
        message = str(app.screen.query_one("#error-message", Static).render())
        assert message.endswith("mocm/values.yaml:3:6: expected ',' or ']', but got ':'")
        await pilot.press("escape")
        assert "could not be opened" in status(panel)
        assert panel.check_action("save", ()) is None
    assert (curr / VALUES).read_bytes() == before


async def test_works_at_80x24(tmp_path: Path) -> None:
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await open_values(app, pilot)
        assert panel.panes.size.height >= 8
        rows = panel.panes.visible_text()
        assert "…" in rows  # long values are cut, not wrapped
        assert max(len(line) for line in rows.splitlines()) <= panel.panes.size.width
        assert "Placeholders left 29" in screen_text(app)
        await pilot.press("p", "right")
        assert "Placeholders left 28" in status(panel)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "(y)" in screen_text(app)  # the confirm button is on screen


def test_files_first_visit_edits_the_template(tmp_path: Path) -> None:
    _, prev, curr = values_app(tmp_path)
    files = locate_values(load_pair(prev, curr, BOOK), BOOK)
    assert files.working == files.template == files.destination == curr / VALUES
    assert files.backup == curr / "mocm/values.yaml.new" and not files.resumed


def test_files_after_a_save_continue_the_work(tmp_path: Path) -> None:
    _, prev, curr = values_app(tmp_path)
    template = curr / "mocm/values.yaml.new"
    shutil.copy(curr / VALUES, template)
    same = locate_values(load_pair(prev, curr, BOOK), BOOK)
    assert same.template == template and same.working == curr / VALUES and same.resumed
    assert same.backup == template  # an unchanged copy needs no second backup
    (curr / VALUES).write_text((curr / VALUES).read_text().replace("fusion", "prod"))
    changed = locate_values(load_pair(prev, curr, BOOK), BOOK)
    assert changed.backup == curr / "mocm/values.yaml.bak"  # earlier work is kept first


def test_files_template_kept_but_values_gone(tmp_path: Path) -> None:
    _, prev, curr = values_app(tmp_path)
    pair = load_pair(prev, curr, BOOK)
    (curr / VALUES).rename(curr / "mocm/values.yaml.new")
    files = locate_values(pair, BOOK)
    assert files.working == curr / "mocm/values.yaml.new"
    assert files.destination == curr / VALUES and files.resumed


# -- anchors: an edit at an anchored value changes its aliases; said before it applies ----

ANCHORED_PREVIOUS = "defaults:\n  cpu: 2\nport: 9090\napi:\n  port: 9090\nname: mocm\n"
ANCHORED_TEMPLATE = (
    "defaults: &res\n  cpu: 1\nport: &p 8080\napi:\n  port: *p\n  resources: *res\n"
    "worker:\n  resources: *res\nname: mocm\n"
)


async def test_anchored_value_is_flagged_before_the_port_and_every_alias_follows(
    tmp_path: Path,
) -> None:
    app, prev, curr = values_app(tmp_path)
    (prev / VALUES).write_text(ANCHORED_PREVIOUS)
    (curr / VALUES).write_text(ANCHORED_TEMPLATE)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_values(app, pilot)
        anchor = panel.query_one("#values-anchor", Static)
        await pilot.press("slash")
        app.screen.query_one(Input).value = "name"
        await pilot.press("enter")
        assert not anchor.display  # nothing shared here: no warning line
        await pilot.press("slash")
        app.screen.query_one(Input).value = "api.port"
        await pilot.press("enter")
        assert detail(panel).startswith("api.port")
        assert anchor.display
        warning = str(anchor.render())
        assert warning.startswith("⚠ anchored &p: 1 alias shares it — an edit here changes")
        assert "⚠ anchored &p: 1 alias shares it" in screen_text(app)
        assert "new: 8080" in detail(panel)  # the line is there before anything changed
        await pilot.press("right")
        assert any(
            "&p: 1 alias shares it: all of them changed" in n.message for n in app._notifications
        )
        rows = panel.panes.visible_text()
        assert rows.count("port: 9090") == 4  # port and api.port, on both sides
        await pilot.press("slash")
        app.screen.query_one(Input).value = "worker.resources.cpu"
        await pilot.press("enter")
        assert "aliases share it" in str(anchor.render())
        assert "&res: 2 aliases share it" in str(anchor.render())


async def test_a_slow_open_brings_the_loading_indicator_up_and_a_quick_one_its_status_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening says so at once in its status line; the animated indicator comes up only if
    it takes longer than INDICATOR_DELAY_S, and goes when the files are shown."""
    release = threading.Event()
    original = panel_module.open_editing

    def held_open(*args: Any) -> Any:
        assert release.wait(BOUND_S), "the test never let the values files open"
        return original(*args)

    monkeypatch.setattr(panel_module, "open_editing", held_open)
    app, _, _ = values_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for step in FORWARD_STEPS[: FORWARD_STEPS.index("values")]:
            app.statuses[step] = StepStatus.DONE
        shown_at = time.monotonic()  # the indicator's timer cannot start before this
        app.show_step("values")
        await wait_until(app, pilot, lambda: bool(app.query("#values-loading")), "the values step")
        panel = app.query_one(ValuesPanel)
        indicator = panel.query_one("#values-loading", LoadingIndicator)
        assert str(panel.query_one("#values-status", Static).render()) == (
            "Opening the values files…"
        )
        await wait_until(app, pilot, lambda: indicator.display, "the loading indicator")
        # Up only once the opening took INDICATOR_DELAY_S (this run's own pace aside: on a
        # busy machine the test may first look after the delay, and it is up then).
        assert time.monotonic() - shown_at >= INDICATOR_DELAY_S, "the indicator came up early"
        assert panel.editing is None and not panel.query_one(ValuesPanes).display
        release.set()
        await values_loaded(app, pilot)
        assert panel.editing is not None
        assert not indicator.display and panel.query_one(ValuesPanes).display
        assert "Placeholders left 29" in status(panel)
