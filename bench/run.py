"""Run every benchmark in bench/ (each prints one JSON object) and print them as one JSON object.

Keys are the scripts' names (`sim_flood` for bench/sim_flood.py). A script that fails is reported as
{"error": ..., "exit_code": ...} and makes this exit 1; the others still run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script: Path) -> dict:
    done = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": tail, "exit_code": done.returncode}
    try:
        return json.loads(lines[-1])
    except json.JSONDecodeError:
        return {"error": f"last line is not JSON: {lines[-1][:200]!r}", "exit_code": done.returncode}


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_"))
    results = {}
    for script in scripts:
        print(f"running {script.name} ...", file=sys.stderr, flush=True)
        results[script.stem] = run(script)
    print(json.dumps(results, indent=2))
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
