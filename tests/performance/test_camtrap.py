"""The Camtrap DP reader: the demo package reads; a bad package is refused with every bad row at once; each check
fails on its own; zips are opened safely; messages are translated."""

import io
import shutil
import zipfile
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from performance import camtrap, camtrap_archive
from performance.camtrap import PackageError, is_leopard, read_package
from tests.performance.camtrap_edit import BAD, BAD_CELLS, DEMO, edited_copy


def _where(error: PackageError) -> list[tuple]:
    return [(p.file, p.row, p.field) for p in error.problems]


def _zip(folder, prefix: str = "", extra: dict[str, bytes] | None = None) -> bytes:
    """The folder zipped (under ``prefix``), with ``extra`` members added or replacing the folder's own."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            if path.name not in (extra or {}):
                archive.write(path, prefix + path.name)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _refused(source) -> PackageError:
    with pytest.raises(PackageError) as caught:
        read_package(source)
    return caught.value


def test_the_demo_package_reads_with_utc_times_tags_and_leopards():
    package = read_package(DEMO)
    assert (len(package.deployments), len(package.media), len(package.observations)) == (4, 66, 35)
    assert package.profile.endswith("/camtrap-dp/1.0.2/camtrap-dp-profile.json")
    stolen = next(d for d in package.deployments if d.deployment_id == "TAN-D03")
    assert stolen.tags == ("failure:theft",)
    assert stolen.end == datetime(2025, 9, 12, 4, 30, tzinfo=UTC)  # 08:00 at +03:30
    cubs = [o for o in package.observations if is_leopard(o.scientific_name) and o.life_stage == "juvenile"]
    assert [(o.deployment_id, o.count) for o in cubs] == [("TAN-D01", 2), ("GOL-D01", 1)]
    named = {o.individual_id for o in package.observations if is_leopard(o.scientific_name) and o.individual_id}
    assert named == {"TAN-M01", "TAN-F02", "TAN-F03", "GOL-M01", "GOL-F01"}
    media_level = [o for o in package.observations if o.observation_level == "media"]
    assert all(o.media_id and o.classification_probability == 0.91 for o in media_level)


def test_zip_bytes_zip_path_and_a_zipped_folder_read_like_the_folder(tmp_path):
    expected = read_package(DEMO)
    (tmp_path / "package.zip").write_bytes(_zip(DEMO))
    assert read_package(_zip(DEMO)) == expected
    assert read_package(tmp_path / "package.zip") == expected
    assert read_package(str(tmp_path / "package.zip")) == expected
    assert read_package(_zip(DEMO, prefix="camtrap-ir-tandoureh/")) == expected


def test_every_bad_row_of_every_file_is_reported_in_one_pass():
    error = _refused(BAD)
    assert _where(error) == [
        ("deployments.csv", 2, "latitude"), ("deployments.csv", 4, "deploymentStart"),
        ("media.csv", 3, "deploymentID"), ("media.csv", 5, "fileMediatype"), ("media.csv", 8, "mediaID"),
        ("observations.csv", 1, "count"), ("observations.csv", 3, "observationType"),
        ("observations.csv", 5, "lifeStage"), ("observations.csv", 7, "classificationProbability"),
        ("observations.csv", 9, "eventEnd"), ("observations.csv", 11, "mediaID")]
    assert sorted(_where(error)) == sorted((f, r, c) for f, r, c in BAD_CELLS)
    messages = [p.message for p in error.problems]
    assert messages[0] == "latitude: 137.437 is more than the maximum, 90."
    assert messages[1] == ("deploymentStart: “2025-04-05 12:00” is not a date and time with its UTC offset, "
                           "such as 2020-03-01T22:00:00Z.")
    assert messages[2] == "deploymentID: no deployment has the ID “TAN-D09”."
    assert messages[4] == "mediaID: “M0005” is already used in row 5."
    assert messages[6] == ("observationType: “leopard” is not allowed; use animal, human, vehicle, blank, unknown, "
                           "or unclassified.")
    assert messages[9] == "The event ends before it starts."


ONE_BAD_CELL = [
    # (file, row, field): new text — each breaks exactly one rule of the standard
    (("deployments.csv", 1, "latitude"), ""),  # required
    (("deployments.csv", 1, "latitude"), "north"),  # number
    (("deployments.csv", 1, "longitude"), "-180.5"),  # minimum
    (("deployments.csv", 1, "coordinateUncertainty"), "12.5"),  # integer
    (("deployments.csv", 1, "deploymentStart"), "2025-04-01T10:00:00"),  # an offset is required
    (("deployments.csv", 1, "deploymentStart"), "2025-04-01"),  # a time is required
    (("deployments.csv", 1, "baitUse"), "yes"),  # boolean
    (("deployments.csv", 1, "featureType"), "road"),  # enum
    (("deployments.csv", 3, "deploymentEnd"), "2025-04-01T00:00:00+03:30"),  # ends before it starts
    (("deployments.csv", 2, "deploymentID"), "TAN-D05"),  # hence media and observations of TAN-D02 are orphans
    (("media.csv", 1, "captureMethod"), "motion"),  # enum
    (("media.csv", 1, "filePath"), "../../etc/passwd"),  # pattern: no ".." and no leading "." or "/"
    (("media.csv", 1, "filePublic"), ""),  # required
    (("media.csv", 2, "mediaID"), "M0001"),  # primary key
    (("media.csv", 2, "deploymentID"), "TAN-D99"),  # foreign key to deployments
    (("media.csv", 2, "timestamp"), "2024-04-18T22:41:02+03:30"),  # outside its deployment
    (("observations.csv", 2, "observationID"), "O0001"),  # primary key
    (("observations.csv", 1, "deploymentID"), "TAN-D99"),  # foreign key to deployments
    (("observations.csv", 2, "mediaID"), "M9999"),  # foreign key to media
    (("observations.csv", 2, "mediaID"), ""),  # a media-level observation names its media file
    (("observations.csv", 2, "deploymentID"), "TAN-D02", "mediaID"),  # its media file belongs to TAN-D01
    (("observations.csv", 1, "eventEnd"), "2025-04-18T22:40:00+03:30"),  # the event ends before it starts
    (("observations.csv", 23, "eventStart"), "2025-04-03T10:59:59+03:30"),  # before its deployment started
    (("observations.csv", 1, "count"), "0"),  # minimum 1
    (("observations.csv", 1, "count"), "one"),  # integer
    (("observations.csv", 1, "observationType"), "leopard"),  # enum
    (("observations.csv", 1, "observationLevel"), "sequence"),  # enum
    (("observations.csv", 1, "lifeStage"), "cub"),  # enum
    (("observations.csv", 1, "sex"), "f"),  # enum
    (("observations.csv", 1, "classificationMethod"), "ai"),  # enum
    (("observations.csv", 2, "classificationProbability"), "91%"),  # number
    (("observations.csv", 2, "classificationProbability"), "-0.1"),  # minimum 0
    (("observations.csv", 2, "bboxWidth"), "0"),  # minimum above zero
]


@pytest.mark.parametrize("case", ONE_BAD_CELL, ids=[f"{c[0]}:{c[1]}:{c[2]}={v}" for c, v, *_f in ONE_BAD_CELL])
def test_each_check_fails_on_its_own(tmp_path, case):
    cell, value, *reported = case
    error = _refused(edited_copy(tmp_path / "package", {cell: value}))
    if cell == ("deployments.csv", 2, "deploymentID"):
        orphans = {p.file for p in error.problems}
        assert orphans == {"media.csv", "observations.csv"} and {p.field for p in error.problems} == {"deploymentID"}
        assert len(error.problems) == 19 + 10  # TAN-D02's media and observations
        return
    assert _where(error) == [(*cell[:2], *(reported or cell[2:]))]
    assert error.problems[0].message and "{" not in error.problems[0].message


def _edit_json(folder, change) -> None:
    import json

    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    change(meta)
    (folder / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize(("change", "expected"), [
    (lambda m: m.pop("taxonomic"), [("datapackage.json", None, "taxonomic")]),
    (lambda m: m.update(profile="https://raw.githubusercontent.com/tdwg/camtrap-dp/0.6/camtrap-dp-profile.json"),
     [("datapackage.json", None, "profile")]),
    (lambda m: m["resources"].pop(1), [("datapackage.json", None, "resources")]),
    (lambda m: m["resources"][0].update(path="/etc/passwd"), [("datapackage.json", None, "resources")]),
    (lambda m: m["resources"][0].update(path="https://example.org/deployments.csv"),
     [("datapackage.json", None, "resources")]),
    (lambda m: m["resources"][2].update(schema="https://example.org/observations.json"),
     [("datapackage.json", None, "resources")]),
    (lambda m: m["resources"][1].update(path="missing.csv"), [("missing.csv", None, None)]),
    (lambda m: m.pop("resources"), [("datapackage.json", None, "resources")]),
])
def test_each_metadata_check_fails_on_its_own(tmp_path, change, expected):
    folder = shutil.copytree(DEMO, tmp_path / "package")
    _edit_json(folder, change)
    assert _where(_refused(folder)) == expected


def test_header_and_row_shape_problems_are_reported_per_file(tmp_path):
    folder = shutil.copytree(DEMO, tmp_path / "package")
    deployments = (folder / "deployments.csv").read_text(encoding="utf-8")
    header, first, rest = deployments.split("\n", 2)
    header = header.replace("latitude", "lat").replace("habitat", "deploymentID")
    (folder / "deployments.csv").write_text(f"{header}\n{first},extra\n{rest}", encoding="utf-8")
    (folder / "media.csv").write_bytes("mediaID,deploymentID\nM\xe9".encode("latin-1"))
    assert _where(_refused(folder)) == [
        ("deployments.csv", None, "lat"), ("deployments.csv", None, "deploymentID"),
        ("deployments.csv", None, "latitude"), ("deployments.csv", 1, None), ("media.csv", None, None)]


@pytest.mark.parametrize("name", ["../deployments.csv", "/etc/passwd", "a/../../b", "C:/x", "a\\..\\b"])
def test_a_zip_with_an_unsafe_name_is_refused_whole(name):
    error = _refused(_zip(DEMO, extra={name: b"x"}))
    assert _where(error) == [("datapackage.json", None, None)]
    assert error.problems[0].message.startswith("The archive holds a file with an unsafe name")


def test_a_zip_bomb_stops_at_the_limit_whatever_its_header_says(monkeypatch):
    monkeypatch.setattr(camtrap_archive, "MAX_FILE_BYTES", 1024 * 1024)
    bomb = _zip(DEMO, extra={"observations.csv": b"0" * (3 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    error = _refused(bomb)
    assert [(p.file, p.message) for p in error.problems] == [("observations.csv", "The file is larger than 1 MB.")]


def test_too_many_members_not_a_zip_and_no_metadata_are_refused(monkeypatch, tmp_path):
    assert _refused(b"PK not really a zip").problems[0].message == "The package is not a zip archive or a folder."
    assert _refused(tmp_path / "absent.zip").problems[0].message == "The package is not a zip archive or a folder."
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _where(_refused(empty)) == [("datapackage.json", None, None)]
    monkeypatch.setattr(camtrap_archive, "MAX_MEMBERS", 3)
    assert _refused(_zip(DEMO)).problems[0].message == "The archive holds more than 3 files."


def test_a_folder_symlink_cannot_lead_outside_the_folder(tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text((DEMO / "media.csv").read_text(encoding="utf-8"), encoding="utf-8")
    folder = shutil.copytree(DEMO, tmp_path / "package")
    (folder / "media.csv").unlink()
    (folder / "media.csv").symlink_to(outside)
    assert _where(_refused(folder)) == [("media.csv", None, None)]


def test_problems_beyond_the_limit_are_counted_not_listed(monkeypatch):
    monkeypatch.setattr(camtrap, "MAX_PROBLEMS", 4)
    error = _refused(BAD)
    assert len(error.problems) == 5
    assert error.problems[-1].message == "7 further problems are not listed."


def test_messages_are_translated(app):
    with app.test_request_context(), force_locale("fa"):
        error = _refused(BAD)
    assert error.problems[0].message != "latitude: 137.437 is more than the maximum, 90."
    assert "latitude" in error.problems[0].message and "۹۰" in error.problems[0].message


@pytest.mark.parametrize(("name", "leopard"), [
    ("Panthera pardus", True), ("Panthera pardus tulliana", True), ("panthera  Pardus saxicolor", True),
    ("Panthera pardus (Linnaeus, 1758)", True), ("Panthera uncia", False), ("Panthera", False),
    ("Panthera pardusx", False), ("", False), (None, False)])
def test_is_leopard(name, leopard):
    assert is_leopard(name) is leopard


@pytest.mark.parametrize("offset", [0, 10, 200])
def test_a_damaged_member_is_refused_with_a_message(offset):
    data = bytearray(_zip(DEMO))
    member = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("observations.csv")
    start = member.header_offset + 30 + len(member.filename.encode()) + len(member.extra)
    data[start + offset] ^= 0xFF  # a flipped byte inside the deflated data: a zlib error or a CRC mismatch
    error = _refused(bytes(data))
    assert [(p.file, p.message) for p in error.problems] == [("observations.csv", "The file could not be unpacked.")]
