"""ibapi stays IB's own unless the blotter asks: importing changes nothing, install() and uninstall()
put the blotter's replacements in and take them out, and the blotter's client needs none of them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ibapi.decoder
import ibapi.reader
import ibapi.utils

from blotter.domain import events as ev
from blotter.ib import _ibapi
from blotter.ib._ibapi.connection import TimedConnection
from blotter.ib._ibapi.decode import decode
from blotter.ib._ibapi.reader import LinearReader
from tests.ib.pristine import changes

ROOT = Path(__file__).resolve().parents[2]
DECODE = sorted(f"{name}.decode" for name in _ibapi.DECODE_USERS)


def test_importing_every_module_of_the_blotter_leaves_ibapi_ibs_own():
    code = """if True:
        import importlib, json, pkgutil, blotter
        names = [m.name for m in pkgutil.walk_packages(blotter.__path__, "blotter.") if m.name != "blotter.__main__"]
        for name in names:
            importlib.import_module(name)
        from tests.ib.pristine import changes
        print(json.dumps({"imported": names, "changes": changes()}))
    """
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"blotter.ib._ibapi.reader", "blotter.ib._ibapi.decode", "blotter.ib.session"} <= set(found["imported"])
    assert found["changes"] == []


def test_install_then_uninstall_puts_the_blotters_decode_in_and_ibs_own_back():
    _ibapi.uninstall()  # this package's fixture installed it for the test: start from IB's own
    assert changes() == [] and _ibapi.replaced() == []
    own = ibapi.utils.decode
    _ibapi.install()
    _ibapi.install()  # idempotent
    assert changes() == _ibapi.replaced() == DECODE
    assert ibapi.decoder.decode is decode and ibapi.reader.EReader.__module__ == "ibapi.reader"
    _ibapi.install_reader_for_ibapi()
    assert ibapi.reader.EReader is LinearReader and changes() == sorted([*DECODE, "ibapi.reader.EReader"])
    _ibapi.uninstall()
    assert changes() == [] and _ibapi.replaced() == []
    assert ibapi.utils.decode is own and ibapi.decoder.decode is own


def test_installed_leaves_ibapi_as_it_found_it_nested_or_not():
    _ibapi.uninstall()
    with _ibapi.installed():
        assert changes() == DECODE
        with _ibapi.installed(reader_for_ibapi=True):
            assert "ibapi.reader.EReader" in changes()
        assert changes() == DECODE  # the outer block's replacements stay
    assert changes() == []


def test_the_blotters_client_runs_a_session_with_ibapi_untouched(session, sim):
    _ibapi.uninstall()
    first, events = session(client_id=1, connect_timeout=4)
    second, _ = session(client_id=2, connect_timeout=7)
    events.wait(ev.Resynced)
    assert changes() == []
    for s, timeout in ((first, 4), (second, 7)):  # each connection keeps its own timeout
        assert isinstance(s.client.conn, TimedConnection) and s.client.conn.timeout == timeout
        assert isinstance(s.client.reader, LinearReader)
