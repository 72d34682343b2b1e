"""flask casefiles render: many claims at once, by filter, into a folder or one zip file."""

from __future__ import annotations

import zipfile

from claims.operations import withdraw_claim
from conflict_service.db import db
from tests.casefiles.pdftools import pdf_text


def test_renders_the_filtered_claims_into_a_folder(runner, filed, world, tmp_path, app):
    app.config["PUBLIC_BASE_URL"] = "https://claims.example.org"
    kept = filed(name="Hamid Amiri", language="en")
    gone = filed(language="en")
    withdraw_claim(gone, world.ir.clerk, "Animals found.")
    am = filed(language="hy", country=world.am)
    db.session.commit()
    try:
        result = runner.invoke(args=["casefiles", "render", "--status", "submitted", "--office", "IR",
                                     "--out", str(tmp_path / "out")])
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert result.exit_code == 0, result.output
    assert "1 documents written" in result.output
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [f"casefile-{kept.number}-en.pdf"]
    assert "Hamid Amiri" in pdf_text((tmp_path / "out" / files[0]).read_bytes())
    assert am.number not in result.output


def test_writes_receipts_and_case_files_into_one_zip(runner, filed, world, tmp_path, app):
    app.config["PUBLIC_BASE_URL"] = "https://claims.example.org"
    claims = [filed(language="fa"), filed(language="en")]
    try:
        result = runner.invoke(args=["casefiles", "render", "--kind", "both", "--lang", "ka", "--bilingual",
                                     "--programme", str(world.ir.programme.id), "--zip", str(tmp_path / "docs.zip")])
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "docs.zip") as archive:
        names = sorted(archive.namelist())
    assert names == sorted(f"{kind}-{c.number}-ka-fa.pdf" for c in claims for kind in ("casefile", "receipt"))
    assert not (tmp_path / "docs.zip.part").exists()


def test_refuses_without_a_destination_or_a_public_address(runner, filed, tmp_path):
    filed(language="en")
    result = runner.invoke(args=["casefiles", "render"])
    assert result.exit_code == 2 and "Give either --out DIR or --zip FILE" in result.output
    result = runner.invoke(args=["casefiles", "render", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "PUBLIC_BASE_URL" in result.output


def test_says_so_when_nothing_matches(runner, app, tmp_path):
    app.config["PUBLIC_BASE_URL"] = "https://claims.example.org"
    try:
        result = runner.invoke(args=["casefiles", "render", "--status", "paid", "--out", str(tmp_path / "none")])
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert result.exit_code == 0 and "No claim matches" in result.output
