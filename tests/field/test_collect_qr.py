"""Setting up a phone by scanning a QR code: ODK Collect's and KoboCollect's settings (server, this device's username
and password, sending as soon as there is a connection) drawn on the profile page and given by the API."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import zlib

import pytest
import requests

from conflict_service.auth import field_credentials
from conflict_service.db import db
from tests.browser import sign_in
from tests.field.device import Device
from tests.helpers import bearer, login, post_form


def settings_of(code: str) -> dict:
    """What ODK Collect reads from a settings code: base64 of the zlib-compressed JSON (docs.getodk.org,
    "Settings QR codes"), decoded here with the standard library alone."""
    return json.loads(zlib.decompress(base64.b64decode(code)).decode())


def test_the_api_gives_the_settings_a_phone_can_sign_in_with(client, world):
    world.ir.verifier.preferred_language = "fa"
    db.session.commit()
    body = client.post("/api/v1/users/me/field-credentials", json={"label": "Tecno Spark"},
                       headers={**bearer(client, world.ir.verifier), "Accept-Language": "fa"}).get_json()
    settings = settings_of(body["collect_settings"])
    general = settings["general"]
    assert (general["server_url"], general["username"], general["password"]) == (
        body["server_url"], body["username"], body["password"])
    assert general["autosend"] == "wifi_and_cellular" and general["form_update_mode"] == "match_exactly"
    assert settings["admin"] == {}  # Collect requires the key, even empty
    assert settings["project"]["icon"] == "\N{LEOPARD}" and re.fullmatch(r"#[0-9a-f]{6}", settings["project"]["color"])
    # the phone configured from the code reaches the form list and may send
    device = Device(client, general["username"], general["password"])
    assert device.request("GET", "/openrosa/formList").status_code == 200
    assert device.request("HEAD", "/openrosa/submission").status_code == 204


@pytest.mark.parametrize(("locale", "app_language", "project"), [
    ("fa_AF", "fa", "جبران خساره در تعارض با پلنگ"),  # Collect has no Dari: its Persian
    ("ps", "ps", None), ("ru", "ru", None), ("en", "en", "Leopard conflict compensation"),
    ("hy", None, None), ("ckb", None, None), ("tg", None, None),  # Collect has none: the phone's own language stays
])
def test_the_settings_speak_the_verifiers_language_where_collect_does(app, world, locale, app_language, project):
    credential, password = field_credentials.create(world.ir.verifier, {}, world.ir.verifier)
    with app.test_request_context():
        settings = field_credentials.collect_settings(credential, password, locale)
    assert settings["general"].get("app_language") == app_language
    assert settings["project"]["name"]
    if project:
        assert settings["project"]["name"] == project
    assert settings_of(field_credentials.collect_code(settings)) == settings


def test_the_profile_page_draws_the_code_with_the_password_once(client, world):
    login(client, world.ir.verifier)
    html = post_form(client, "/profile/field-credentials", {"label": "Tecno Spark"},
                     form_path="/profile").get_data(as_text=True)
    qr = re.search(r'<svg[^>]*class="qr-code"[^>]*>(.*?)</svg>', html, re.S)
    assert qr and "<title>QR code that sets up ODK Collect or KoboCollect for this device</title>" in qr.group(0)
    assert 'viewBox="' in qr.group(0) and 'width="' not in qr.group(0).split(">")[0]  # sized by the page's CSS
    assert "do not photograph, print or share it" in html
    assert 'class="qr-code"' not in client.get("/profile").get_data(as_text=True)  # once: it holds the password


@pytest.mark.parametrize(("locale", "item"), [("fa_AF", "QR کد را وارد شد"), ("ru", "Импортировать QR-код"),
                                              ("ps", "Import QR code"), ("hy", "Import QR code")])
def test_the_same_phone_gets_the_code_as_a_picture_and_the_menu_item_collect_shows(client, world, locale, item):
    """A verifier with one phone cannot point its camera at its own screen: the page offers the code as a PNG picture
    to save, and names the menu item with which Collect reads it, as Collect names it (its English where it has no
    translation in the reader's language)."""
    world.ir.verifier.preferred_language = locale
    db.session.commit()
    login(client, world.ir.verifier)
    html = post_form(client, "/profile/field-credentials", {}, form_path="/profile").get_data(as_text=True)
    link = re.search(r'<a [^>]*href="data:image/png;base64,([A-Za-z0-9+/=]+)"[^>]*>', html)
    assert link and 'download="collect-' in link.group(0)
    assert base64.b64decode(link.group(1)).startswith(b"\x89PNG\r\n\x1a\n")
    assert item in html


@pytest.mark.browser
@pytest.mark.committing
def test_a_phone_camera_reads_the_code_off_a_dari_profile(app, live_server, phone, world, tmp_path):
    """The code as the page draws it at 390 px, read by zbar (an independent decoder, as a phone's camera reads it),
    gives settings with which ODK Collect signs in to the server."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is not installed (Debian: apt-get install zbar-tools; scripts/install --dev does)")
    world.ir.verifier.preferred_language = "fa_AF"
    db.session.commit()
    sign_in(phone, live_server, world.ir.verifier)
    phone.goto(f"{live_server}/profile")
    phone.locator("#field-devices form.stacked button[type=submit]").click()
    code = phone.locator("svg.qr-code")
    assert code.bounding_box()["width"] <= 390 - 2 * 16
    code.screenshot(path=str(tmp_path / "qr.png"))
    read = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True,
                          check=True, timeout=60).stdout.strip()
    general = settings_of(read)["general"]
    assert general["username"] == phone.locator("[data-field-username]").inner_text()
    assert general["password"] == phone.locator("[data-field-password]").inner_text()
    assert general["server_url"] == f"{live_server}/openrosa" and general["app_language"] == "fa"
    # the same code as a picture the phone saves and Collect imports ("Import QR code")
    with phone.expect_download() as download:
        phone.locator("[data-collect-picture]").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"collect-{general['username']}.png"
    assert subprocess.run(["zbarimg", "--quiet", "--raw", str(saved)], capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip() == read
    answer = requests.get(general["server_url"] + "/formList", timeout=30,
                          auth=requests.auth.HTTPDigestAuth(general["username"], general["password"]),
                          headers={"X-OpenRosa-Version": "1.0"})
    assert answer.status_code == 200 and "site_visit" in answer.text
