"""Child process of bench/startup.py (not a benchmark itself).

`_startup_child.py MARKER blotter`: runs `blotter --demo` (blotter.cli.main) and writes time.time() to
MARKER when the first frame showing connected data is composed (the status line connected and the
simulator's orders in the Store), then quits. `_startup_child.py MARKER bare`: a bare Textual app with
one static DataTable, marker at its first frame. The marker is a patch of App._display made here,
in this process only; the app itself needs no hook for it.
"""

from __future__ import annotations

import os
import sys
import time

MARKER, KIND = sys.argv[1], sys.argv[2]


def mark() -> None:
    with open(MARKER, "w") as out:
        out.write(repr(time.time()))


def hook(app_class, ready) -> None:  # type: ignore[no-untyped-def]
    original = app_class._display

    def display(self, screen, renderable):  # type: ignore[no-untyped-def]
        original(self, screen, renderable)
        if renderable is not None and not getattr(self, "_bench_marked", False) and ready(self):
            self._bench_marked = True
            mark()
            if os.environ.get("BENCH_EXIT_AT_MARKER"):  # counting instructions: nothing after the marker
                os._exit(0)
            self.call_later(self.exit)
    app_class._display = display


if KIND == "bare":
    from textual.app import App
    from textual.widgets import DataTable

    class Bare(App):
        def compose(self):  # type: ignore[no-untyped-def]
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Time", "Side", "Qty", "Symbol", "Price")
            for i in range(20):
                table.add_row("10:00:00", "BOT", "100", "AAPL", f"{100 + i}.00")

    hook(Bare, lambda app: True)
    Bare().run()
else:
    import importlib.util  # loaded by the interpreter's start already; importlib.abc is not (~5 ms), so not used

    def connected(app) -> bool:  # type: ignore[no-untyped-def]
        from blotter.domain.events import ConnState
        return app.store.connection.state is ConnState.CONNECTED and bool(app.store.orders())

    class AfterAppImport:  # a meta path finder and loader, by the protocol (no importlib.abc base)
        """Hooks BlotterApp once `blotter` itself has imported blotter.ui.app, so the start runs in the
        order a user's does (Textual imported inside main, after it has held garbage collection)."""

        def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
            if name != "blotter.ui.app":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            self.loader = spec.loader
            spec.loader = self
            return spec

        def create_module(self, spec):  # type: ignore[no-untyped-def]
            return self.loader.create_module(spec)

        def exec_module(self, module) -> None:  # type: ignore[no-untyped-def]
            self.loader.exec_module(module)
            hook(module.BlotterApp, connected)

    sys.meta_path.insert(0, AfterAppImport())
    from blotter.cli import main

    sys.exit(main(["--demo"]))
