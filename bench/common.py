"""Shared pieces of the benchmark scripts: a moto server process, timing of child processes."""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import MotoServer  # noqa: E402

__all__ = ["MotoServer", "Run", "machine", "measure", "median_run", "find_tool", "bench_env"]

ACCESS_KEY = "bench-access-key"
SECRET_KEY = "bench-secret-key"


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + system seconds of the child
    max_rss_mb: float
    returncode: int


def measure(cmd: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> Run:
    """Run ``cmd`` once: wall time, CPU seconds and peak RSS of that command alone.

    GNU time reports the child's own peak RSS; ``wait4`` from this (large) Python process would
    count the memory the child inherited at fork.
    """
    import tempfile
    import time

    with tempfile.NamedTemporaryFile("r") as report:
        timed = ["/usr/bin/time", "-q", "-f", "%U %S %M", "-o", report.name, *cmd]
        start = time.perf_counter()
        proc = subprocess.run(timed, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
        user, system, max_kb = report.read().split()[-3:]
    if proc.returncode not in (0, 1):
        err = proc.stderr.decode(errors="replace")
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {err[-500:]}")
    return Run(wall, float(user) + float(system), int(max_kb) / 1024, proc.returncode)


def median_run(cmd: Sequence[str], env: dict[str, str], repeat: int) -> Run:
    runs = [measure(cmd, env) for _ in range(repeat)]
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        max(r.max_rss_mb for r in runs),
        runs[-1].returncode,
    )


def find_tool(name: str, extra_dirs: Sequence[str] = ()) -> str | None:
    for folder in extra_dirs:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def bench_env(endpoint: str, bucket: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "R2_"))}
    return env | {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "R2_ENDPOINT": endpoint,
        "R2_ACCESS_KEY_ID": ACCESS_KEY,
        "R2_SECRET_ACCESS_KEY": SECRET_KEY,
        "R2_BUCKET": bucket,
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"
