"""Copying the demo Camtrap DP package with chosen cells changed: the bad packages of the reader's tests."""

import csv
import shutil
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "performance" / "demo_data" / "camtrap-ir-tandoureh"
BAD = Path(__file__).resolve().parent / "data" / "camtrap-bad"


def edited_copy(target: Path, edits: dict[tuple[str, int, str], str], source: Path = DEMO) -> Path:
    """Copy ``source`` to ``target`` with each (file, 1-based data row, column) cell set to the given text."""
    shutil.copytree(source, target)
    for file in {file for file, _row, _field in edits}:
        with (target / file).open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        for (edited, row, field), value in edits.items():
            if edited == file:
                rows[row][rows[0].index(field)] = value
        with (target / file).open("w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows(rows)
    return target


# The committed bad package (tests/performance/data/camtrap-bad): one bad cell of each kind, in three files.
BAD_CELLS = {
    ("deployments.csv", 2, "latitude"): "137.437",  # above the maximum
    ("deployments.csv", 4, "deploymentStart"): "2025-04-05 12:00",  # no T, no seconds, no offset
    ("media.csv", 3, "deploymentID"): "TAN-D09",  # no such deployment
    ("media.csv", 5, "fileMediatype"): "jpeg",  # not image/…, video/… or audio/…
    ("media.csv", 8, "mediaID"): "M0005",  # primary key used twice
    ("observations.csv", 1, "count"): "0",  # below the minimum
    ("observations.csv", 3, "observationType"): "leopard",  # not in the enum
    ("observations.csv", 5, "lifeStage"): "cub",  # not in the enum
    ("observations.csv", 7, "classificationProbability"): "1.3",  # above the maximum
    ("observations.csv", 9, "eventEnd"): "2025-06-02T21:04:00+03:30",  # before its eventStart
    ("observations.csv", 11, "mediaID"): "M9999",  # no such media file
}

if __name__ == "__main__":  # rebuild the committed bad package after the demo package changed
    shutil.rmtree(BAD, ignore_errors=True)
    edited_copy(BAD, BAD_CELLS)
