"""``r2tui demo``: an embedded server on loopback, the spec's layout, a visible gap, clean exit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from r2tui.demo import plan_for
from r2tui.layout import default_layout
from r2tui.sample import sample_keys
from tests.support.lines import Lines


def test_sample_library_has_the_exact_expected_counts() -> None:
    keys = sample_keys()
    layout = default_layout()
    assert len(keys) == len(set(keys)) == 3346
    for category in layout:
        assert sum(1 for k in keys if layout.category_of(k) == category) == category.expected
    assert any(re.search("[а-яА-Я]", k) for k in keys) and any(" " in k for k in keys)
    plan = plan_for(keys)
    assert len(plan.missing) == 3 and len(plan.changed) == 2 and len(plan.extra) == 1


def test_demo_runs_shows_the_gap_and_cleans_up(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "r2tui", "demo", "--no-tui"],
        capture_output=True, text=True, timeout=180, env={"PATH": "/usr/bin:/bin",
                                                          "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "99.91 % (3343/3346) · 3 missing · 2 changed · 1 extra" in result.stdout
    assert "http://127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # the temporary library is gone


def test_demo_cleans_up_when_terminated(tmp_path: Path) -> None:
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "r2tui", "demo", "--no-tui"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, encoding="utf-8", errors="replace",
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path)},
    )
    stderr = Lines(proc.stderr)  # type: ignore[arg-type]
    stderr.wait_for(lambda line: "generating and uploading" in line)  # its server and files exist
    assert any(tmp_path.iterdir())
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in stderr.rest()
