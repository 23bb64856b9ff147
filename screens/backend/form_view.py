"""The B.1 form: bucket, key, region, lock table / use_lockfile, each with its problem beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Static

from tui.core.tofu.backend.form import BackendForm, FormProblem

TEXT_FIELDS = (
    ("bucket", "S3 bucket"),
    ("key", "state key"),
    ("region", "region"),
    ("dynamodb_table", "lock table"),
)
FLAG_FIELDS = (("use_lockfile", "use_lockfile (S3 native lock)"), ("encrypt", "encrypt"))


class BackendFormView(Vertical):
    """Fields of ``backend.tf``; ``form()`` reads them, ``show_problems`` marks the fields."""

    def __init__(self) -> None:
        super().__init__(id="be-form")
        self.base = BackendForm()

    def compose(self) -> ComposeResult:
        yield Static(
            "backend.tf of the previous release (from backend.tf.example):",
            classes="be-form-title",
        )
        for name, label in TEXT_FIELDS:
            with Horizontal(classes="be-field"):
                yield Label(label, classes="be-label")
                yield Input(id=f"bf-{name}", compact=True)
            yield Static("", id=f"bf-{name}-problem", classes="be-problem", markup=False)
        with Horizontal(classes="be-flags"):
            for name, label in FLAG_FIELDS:
                yield Checkbox(label, id=f"bf-{name}", compact=True)
        yield Static("", id="bf-use_lockfile-problem", classes="be-problem", markup=False)

    def on_mount(self) -> None:
        self.show_problems(())

    def fill(self, form: BackendForm) -> None:
        """Put ``form`` in the fields (its other settings are kept for writing)."""
        self.base = form
        for name, _ in TEXT_FIELDS:
            self.query_one(f"#bf-{name}", Input).value = str(getattr(form, name))
        for name, _ in FLAG_FIELDS:
            self.query_one(f"#bf-{name}", Checkbox).value = bool(getattr(form, name))

    def form(self) -> BackendForm:
        """What the operator typed, trimmed."""

        def text(name: str) -> str:
            return self.query_one(f"#bf-{name}", Input).value.strip()

        def flag(name: str) -> bool:
            return self.query_one(f"#bf-{name}", Checkbox).value

        return replace(
            self.base,
            bucket=text("bucket"),
            key=text("key"),
            region=text("region"),
            dynamodb_table=text("dynamodb_table"),
            use_lockfile=flag("use_lockfile"),
            encrypt=flag("encrypt"),
        )

    def show_problems(self, problems: Sequence[FormProblem]) -> None:
        """Each problem under its field; fields without a problem show nothing."""
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            by_field.setdefault(problem.field, []).append(problem.message)
        for name in [n for n, _ in TEXT_FIELDS] + ["use_lockfile"]:
            line = self.query_one(f"#bf-{name}-problem", Static)
            said = by_field.get(name, [])
            line.update("\n".join(f"✖ {_sentence(name, m)}" for m in said))
            line.display = bool(said)
            self.query_one(f"#bf-{name}").set_class(bool(said), "-problem")  # focus goes there


def _sentence(name: str, message: str) -> str:
    """Core messages either name their subject ("bucket x is …") or continue the field's name."""
    continues = message.startswith(("is ", "must ", "still ", "choose "))
    return f"{name} {message}" if continues else message
