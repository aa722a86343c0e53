"""Textual's private names stay in blotter.ui._textual, and importing the UI changes nothing process-wide:
the frame rate and the switch interval change when the app is made (blotter.ui._textual.install())."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import blotter.ui
from blotter.ui import _textual
from blotter.ui._textual import FRAMES_PER_SECOND, PRIVATE, SWITCH_INTERVAL

ROOT = Path(__file__).resolve().parents[2]
SEAM = ROOT / "blotter" / "ui" / "_textual"
PROCESS_WIDE = ("TEXTUAL_FPS", "setswitchinterval")  # what install() changes, said nowhere else


def outside_the_seam() -> list[Path]:
    return sorted(p for p in (ROOT / "blotter").rglob("*.py") if SEAM not in p.parents)


def test_no_private_name_of_textuals_is_used_outside_the_seam():
    words = {word for word, _ in PRIVATE.values() if word} | set(PROCESS_WIDE)
    pattern = re.compile("|".join(sorted(re.escape(w) if w.startswith('"') else rf"\b{re.escape(w)}\b" for w in words)))
    found = []
    for path in outside_the_seam():
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            for match in pattern.finditer(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group()}")
        for node in ast.walk(ast.parse(text)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            private = [n.name for n in node.names if n.name.startswith("_")] if isinstance(node, ast.ImportFrom) else []
            for module in modules:
                if module.split(".")[0] == "textual" and ("._" in module or private):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: imports {module} {private or ''}")
    assert not found, "Textual's private names belong in blotter/ui/_textual (listed in PRIVATE):\n" + "\n".join(found)


def textuals_private_names(cls: type) -> set[str]:
    """The underscore names Textual's classes among cls's bases have: their attributes and what their
    methods set or read on self."""
    names: set[str] = set()
    for base in cls.__mro__:
        if not base.__module__.startswith("textual"):
            continue
        names |= {n for n in vars(base) if n.startswith("_") and not n.startswith("__")}
        for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(base)))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" \
                    and node.attr.startswith("_") and not node.attr.startswith("__"):
                names.add(node.attr)
    return names


def own_private_names(cls: type) -> set[str]:
    """The underscore names a class of the blotter's defines, or reaches on an object."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(cls)))):
        if isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def test_no_class_outside_the_seam_overrides_or_reaches_a_private_name_of_its_textual_bases():
    """A name of the blotter's that Textual's bases also have is an override of Textual's internals
    (or, after a bump, a clash): it belongs in the seam, or wants another name."""
    found = []
    for info in pkgutil.walk_packages(blotter.ui.__path__, "blotter.ui."):
        if info.name.startswith(_textual.__name__):
            continue
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__ \
                    and any(b.__module__.startswith("textual") for b in cls.__mro__):
                clash = own_private_names(cls) & textuals_private_names(cls)
                found += [f"{module.__name__}.{cls.__name__}: {name}" for name in sorted(clash)]
    assert not found, "\n".join(found)


CHILD = """if True:
    import importlib, json, os, pkgutil, queue, sys
    import textual.constants, textual.screen
    before = dict(os.environ), sys.getswitchinterval(), textual.screen.UPDATE_PERIOD, textual.constants.MAX_FPS
    import blotter.ui
    names = [m.name for m in pkgutil.walk_packages(blotter.ui.__path__, "blotter.ui.")]
    for name in names:
        importlib.import_module(name)
    after = dict(os.environ), sys.getswitchinterval(), textual.screen.UPDATE_PERIOD, textual.constants.MAX_FPS
    from blotter.config import Settings
    from blotter.ui.app import BlotterApp
    BlotterApp(Settings(), None, queue.SimpleQueue())
    made = dict(os.environ), sys.getswitchinterval(), textual.screen.UPDATE_PERIOD, textual.constants.MAX_FPS
    print(json.dumps({"imported": names, "before": before, "after": after, "made": made}))
"""


def test_importing_every_module_of_the_ui_changes_nothing_and_making_the_app_installs_the_seam():
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"blotter.ui.app", "blotter.ui.ticket", "blotter.ui._textual.startup"} <= set(found["imported"])
    assert found["after"] == found["before"], "importing blotter.ui changed the process"
    environ, switch, period, fps = found["made"]
    assert environ == found["before"][0] and "TEXTUAL_FPS" not in environ
    assert (switch, period, fps) == (SWITCH_INTERVAL, 1 / FRAMES_PER_SECOND, FRAMES_PER_SECOND)


def test_install_again_changes_nothing_more():
    import textual.screen

    _textual.install()  # the tests' apps have called it already
    state = sys.getswitchinterval(), textual.screen.UPDATE_PERIOD, dict(os.environ)
    _textual.install()
    assert (sys.getswitchinterval(), textual.screen.UPDATE_PERIOD, dict(os.environ)) == state
    assert state[0] == SWITCH_INTERVAL
