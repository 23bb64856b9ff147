"""The baseline of bench_startup.py: a bare Textual app (Header, a Static, Footer) that
shows the same two lines the wizard's first screen must show."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

BUILDS = ("build 10.5.2603", "build 10.6.2605")


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("\n".join(BUILDS))
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
