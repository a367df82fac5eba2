"""Static security scan: bandit finds no high-severity issue in the portal's code."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["portal", "core", "models", "analytics", "surveys", "knowledge", "wsgi.py"]


def test_bandit_finds_no_high_severity_issue():
    """A high-severity finding (e.g. shell injection, weak crypto for secrets, debug mode) fails the suite."""
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", *PACKAGES, "-lll", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    report = json.loads(result.stdout)
    high = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]]
    assert high == []
    assert report["metrics"]["_totals"]["loc"] > 1000  # the scan really read the code
