"""How the simulated TWS is configured: `SimConfig`, and the checks a configuration must pass."""

from __future__ import annotations

from blotter.records import record
from blotter.sim import restart, versions
from blotter.sim.market import SimClock

# when a flood scenario's client is flooded: right after START_API, or once its first reqExecutions
# is answered (after a blotter's resync)
FLOOD_AFTER = ("start", "executions")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@record
class SimConfig:
    """How the simulated TWS behaves; every field has the default a fresh TWS would have."""

    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port
    seed: int = 1
    accounts: tuple[str, ...] = ("DU1234567",)
    clock: SimClock | None = None  # None: real time
    step_seconds: float = 0.25  # one market step (quotes move, orders match)
    rate_limit: int = 50  # incoming messages per second before error 100
    max_rate_violations: int = 3  # then the session is ended, as TWS does
    master_client_id: int | None = None
    delay: float = 0.0  # seconds every outgoing message is held back
    always_open: bool = True  # False: stocks trade only in regular hours unless outsideRth
    scenario: str = "quiet"  # quiet | demo | flood
    flood_fills: int = 0
    flood_after: str = "start"  # one of FLOOD_AFTER
    record: str | None = None
    allow_remote: bool = False
    drop_every: float = 0.0  # drop every connection every N seconds
    refuse_for: float = 0.0  # ...and then refuse connections this long (a TWS restart)
    restart_at: str = ""  # "HH:MM" local time: TWS's daily auto-restart (see faults.FaultInjector.daily_restart)
    restart_every: float = 0.0  # ...or one every N seconds (demos and soak runs)
    restart_for: float = 30.0  # seconds connections are refused during a restart
    repeat_status: int = 0
    reject_every: int = 0
    correct_every: int = 0
    max_version: int = versions.MAX_SUPPORTED  # the highest server version it answers with (--max-version)


def check(config: SimConfig) -> None:
    """Raise ValueError naming the first setting a simulator cannot run with."""
    if not config.allow_remote and config.host not in LOOPBACK:
        raise ValueError(f"refusing to listen on {config.host}: loopback only without allow_remote")
    if not versions.MIN_SUPPORTED <= config.max_version <= versions.MAX_SUPPORTED:
        raise ValueError(f"max_version must be within {versions.MIN_SUPPORTED}..{versions.MAX_SUPPORTED}, "
                         f"not {config.max_version}")
    if config.restart_at and restart.daily_time(config.restart_at) is None:
        raise ValueError(f"restart_at must be HH:MM (00:00-23:59), not {config.restart_at!r}")
    if config.flood_after not in FLOOD_AFTER:
        raise ValueError(f"flood_after must be one of {', '.join(FLOOD_AFTER)}, not {config.flood_after!r}")
