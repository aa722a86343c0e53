"""Other clients than the blotter's, each at its highest version, run whole order lifecycles against
the simulated TWS: IB's own client from several releases (up to 203, 223 and 226, each in a process
of its own with that release first on its path) and the popular text-only asyncio clients.

The releases not pinned by this project are installed on first use into the virtual environment
(`<venv>/blotter-test-clients/`), from PyPI, by the pip that installed the project.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from blotter.sim.server import SimConfig, SimServer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CLIENTS = Path(sys.prefix) / "blotter-test-clients"
FARM_CODES = {2104, 2106, 2158}

# (PyPI distribution, release, the highest server version it offers)
IBAPI_RELEASES = [("ibapi-stable", "10.37.2", 203), ("ibapi-stable", "10.45.1", 223),
                  ("ibapi-stable", "10.50.2", 226), ("ibapi-latest", "10.51.1", 226)]


def release_path(dist: str, release: str) -> Path | None:
    """A directory holding that ibapi release (None: the project's own, already importable)."""
    from importlib.metadata import version
    if dist == "ibapi-stable" and release == version("ibapi-stable"):
        return None
    target = CLIENTS / f"{dist}-{release}"
    if not (target / "ibapi" / "client.py").exists():
        done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                               str(target), f"{dist}=={release}"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"could not install {dist}=={release}: {done.stderr[-800:]}"
    return target


@pytest.fixture
def live_sim():
    """The simulated TWS on its own clock: a marketable order fills within a market step (0.25 s)."""
    server = SimServer(SimConfig(scenario="quiet")).start()
    yield server
    server.stop()


def run_client(script: str, port: int, path: Path | None = None, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(p) for p in (path, ROOT) if p is not None))
    done = subprocess.run([sys.executable, str(HERE / script), str(port), *args], capture_output=True, text=True,
                          timeout=90, env=env, cwd=ROOT)
    assert done.stdout.strip(), f"{script} printed nothing: {done.stderr[-2000:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "timeout" not in result, f"{result['timeout']}; stderr: {done.stderr[-2000:]}"
    return result


def assert_clean_lifecycle(result: dict) -> None:
    """Only the farm notices and the cancel's own confirmation came as errors; nothing hung or was lost."""
    unexpected = [e for e in result["errors"]
                  if not (e[1] in FARM_CODES and e[0] == -1) and not (e[1] == 202 and e[0] == result["resting"])]
    assert unexpected == []
    assert result["problems"] == []
    assert result["exec_id"] in result["executions_reported"]
    assert set(result["order_perm_ids"]) <= set(result["completed"])


@pytest.mark.parametrize("dist, release, highest", IBAPI_RELEASES, ids=[f"{d}-{r}" for d, r, _ in IBAPI_RELEASES])
def test_ibs_own_client_of_each_release_at_its_highest_version(live_sim, dist, release, highest):
    result = run_client("ibapi_lifecycle.py", live_sim.port, release_path(dist, release))
    assert (result["client_max_version"], result["server_version"]) == (highest, highest)
    assert_clean_lifecycle(result)
    assert "orderStatusProtoBuf" in result["protobuf_callbacks"]  # every release here speaks protobuf at its top


@pytest.mark.parametrize("version", [157, 178, 200, 201, 204, 207, 211, 213])
def test_ibs_own_client_when_tws_is_older(version):
    server = SimServer(SimConfig(scenario="quiet", max_version=version)).start()
    try:
        result = run_client("ibapi_lifecycle.py", server.port)
    finally:
        server.stop()
    assert result["server_version"] == version
    assert_clean_lifecycle(result)
    assert bool(result["protobuf_callbacks"]) == (version >= 201)


@pytest.mark.parametrize("lib, highest", [("ib_async", 178), ("ib_insync", 176)])
def test_the_popular_text_only_clients_at_their_highest_version(live_sim, lib, highest):
    result = run_client("async_lifecycle.py", live_sim.port, None, lib)
    assert result["server_version"] == highest
    assert_clean_lifecycle(result)
    assert ["AAPL", 100.0] in result["positions"] and result["account_values"] > 0
