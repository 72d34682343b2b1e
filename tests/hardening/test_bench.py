"""bench/run.py's machinery on a tiny dataset: every measurement runs once, so the benchmark cannot rot."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_bench_runs_every_measurement_once(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run([sys.executable, "bench/run.py", "--claims", "200", "--iterations", "1", "--batch", "4",
                          "--seconds", "1", "--field", "2", "--json", str(out)], cwd=ROOT, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["database"] == "sqlite" and report["claims"] >= 200
    figures = {f["name"].split(":")[0].split(",")[0]: f for f in report["figures"]}
    for name in ("claims list page", "one case file (PDF)", "claim submission over HTTP (gunicorn"):
        assert any(key.startswith(name) for key in figures), (name, list(figures))
    measured = [f for f in report["figures"] if f["verdict"] != "not available"]
    assert all(f["app"] is not None for f in measured), measured
    assert all(f["app"] > 0 and f["ratio"] > 0 for f in measured if f["floor"]), measured
    assert any(f["name"].startswith("4 case files, 2 workers vs 1") for f in report["figures"])
    assert any("CSV export of" in f["name"] and f["unit"] == "MB" for f in report["figures"])
    payouts = [f for f in report["figures"] if f["name"].startswith("payouts report")]
    assert payouts and all(f["verdict"] in ("PASS", "MISS") for f in payouts), payouts  # the report is measured
    field = [f for f in report["figures"] if f["name"].startswith("2 field submissions")]
    assert field and field[0]["verdict"] == "PASS" and field[0]["floor"] > 0, field  # every record applied
    photo = [f for f in report["figures"] if f["name"].startswith("4000×3000 JPEG")]
    assert photo and photo[0]["app"] > 0, photo
    assert "measurement" in run.stdout and "floor" in run.stdout
    wire = [f for f in report["figures"] if f["name"].startswith(("first visit", "next page", "claim list usable"))]
    if wire[0]["verdict"] != "not available":  # headless Chromium present: every locale, both links
        for locale in ("en", "fa", "ru"):
            for name in ("first visit, sign-in to claim list", "next page, a claim", "claim list usable on slow 3G",
                         "claim list usable on 2G"):
                assert any(f["name"].startswith(name) and f"({locale})" in f["name"] and f["app"] > 0
                           for f in wire), (name, locale)
