"""``monitor demo`` end to end: replay server, real spiders and pipelines, exports."""

import json
import re
import subprocess
import sys

from stdnum.cn import ric

from tests.mockserver import ROOT


def run_demo(folder, *extra: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--dir", str(folder), "--json", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_demo_runs_twice_and_finds_every_showcase_kind(tmp_path):
    folder = tmp_path / "demo"
    first = run_demo(folder)
    platforms = {a["platform"] for a in first["accounts"]}
    assert platforms == {"mastodon", "bluesky", "telegram", "feed"}
    states = {a["url"].rsplit("/", 1)[-1]: a["state"] for a in first["accounts"]}
    assert states["@suspended"] == "suspended"
    assert all(a["posts"] > 0 for a in first["accounts"]), "the suspended one comes from archive"
    for kind in ("national_id", "address", "date_of_birth", "phone", "email"):
        assert first["flagged_by_kind"].get(kind, 0) > 0, kind
    assert first["flagged_by_severity"]["high"] > 0

    report = (folder / "exports" / "report.html").read_text(encoding="utf-8")
    lines = (folder / "exports" / "flagged.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(a["flagged"] for a in first["accounts"])
    for text in (report, *lines):
        text = re.sub(r"(https?|at)://[^\s\"<>]+", "", text)  # status ids look like IDs
        numbers = re.findall(r"(?<!\d)\d{17}[\dXx](?!\d)", text)
        ids = [m for m in numbers if ric.calc_check_digit(m[:17]) == m[17].upper()]
        assert ids == [], "a resident ID number in clear"
        assert not re.search(r"\b\d{3}-\d{2}-\d{4}\b", text), "an SSN in clear"

    second = run_demo(folder)
    assert [(a["url"], a["posts"]) for a in second["accounts"]] == [
        (a["url"], a["posts"]) for a in first["accounts"]
    ]
    fresh = run_demo(folder, "--fresh")
    assert sum(a["posts"] for a in fresh["accounts"]) == sum(a["posts"] for a in first["accounts"])
