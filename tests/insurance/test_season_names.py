"""Season names per language (DESIGN §14): set on the season forms, through the API and the CLI, with the same
names mechanism as programmes and jurisdictions, and shown in the reader's language on pages, the receipt and the
statement's CSV (else the official name)."""

from __future__ import annotations

import sqlalchemy as sa

from casefiles import premium_receipt
from conflict_service.audit.models import AuditEvent
from conflict_service.db import db
from insurance.models import Season
from tests.casefiles.pdftools import pdf_lines
from tests.helpers import bearer, login, post_form

SUMMER_HY = "Ամառային արոտներ 2026"


def test_a_season_is_named_in_the_readers_language_on_pages_receipts_and_exports(client, insurance):
    insurance.season.names = {"hy": SUMMER_HY, "ru": "Летние пастбища 2026"}
    policy = insurance.enrol(lines={"sheep": 30})
    payment = insurance.pay(policy, "20000")
    db.session.commit()
    login(client, insurance.am.manager)
    for path in (f"/insurance/policies/{policy.id}", f"/insurance/schemes/{insurance.scheme.id}",
                 f"/insurance/seasons/{insurance.season.id}/rates", f"/owners/{policy.owner_id}",
                 "/insurance/policies"):
        assert SUMMER_HY in client.get(f"{path}?lang=hy").get_data(as_text=True), path
    english = client.get(f"/insurance/policies/{policy.id}?lang=en").get_data(as_text=True)
    assert SUMMER_HY not in english and "2026" in english  # no English name: the official one
    text = " ".join(pdf_lines(premium_receipt.render(payment, lang="hy")[0]))
    assert SUMMER_HY in text
    csv = client.get(f"/insurance/seasons/{insurance.season.id}/statement.csv?lang=ru")
    assert "Летние пастбища 2026" in csv.get_data(as_text=True)


def test_names_through_the_api_and_their_refusals(client, insurance):
    db.session.commit()
    headers = bearer(client, insurance.am.manager)
    created = client.post(f"/api/v1/schemes/{insurance.scheme.id}/seasons",
                          headers={**headers, "Accept-Language": "hy"},
                          json={"name": "2027", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
                                "names": {"hy": "Երկու հազար քսանյոթ", "ru": "  2027   год "}})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["names"] == {"hy": "Երկու հազար քսանյոթ", "ru": "2027 год"}
    assert body["local_name"] == "Երկու հազար քսանյոթ"
    url = f"/api/v1/schemes/{insurance.scheme.id}/seasons/{body['id']}"
    bad = client.patch(url, headers=headers, json={"names": {"xx": "Nope"}})
    assert bad.status_code == 422 and "names" in bad.get_json()["errors"]
    taken = client.patch(url, headers=headers, json={"name": "2026"})
    assert taken.status_code == 422 and "already has a season called" in " ".join(taken.get_json()["errors"]["name"])
    clerk = client.patch(url, headers=bearer(client, insurance.am.clerk), json={"names": {}})
    assert clerk.status_code == 403
    renamed = client.patch(url, headers=headers, json={"names": {"en": "Year 2027"}}).get_json()
    assert renamed["names"] == {"en": "Year 2027"} and renamed["name"] == "2027"
    db.session.expire_all()
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "insurance_season.updated")).one()
    assert event.changes["names"][1] == {"en": "Year 2027"}


def test_the_season_forms_take_names_and_keep_them_on_a_refusal(client, insurance):
    db.session.commit()
    login(client, insurance.am.manager)
    scheme_path = f"/insurance/schemes/{insurance.scheme.id}"
    assert 'name="names-hy"' in client.get(scheme_path).get_data(as_text=True)
    refused = post_form(client, f"{scheme_path}/seasons", {"name": "2027", "starts_on": "2027-05-01",
                                                           "ends_on": "2027-01-01", "names-hy": "Քսանյոթ"},
                        form_path=scheme_path)
    assert refused.status_code == 422 and 'value="Քսանյոթ"' in refused.get_data(as_text=True)
    done = post_form(client, f"{scheme_path}/seasons", {"name": "2027", "starts_on": "2027-01-01",
                                                        "ends_on": "2027-12-31", "names-hy": "Քսանյոթ"},
                     form_path=scheme_path)
    assert done.status_code == 302
    season = db.session.scalar(sa.select(Season).where(Season.name == "2027"))
    assert season.names == {"hy": "Քսանյոթ"}
    rates_path = f"/insurance/seasons/{season.id}/rates"
    refused = post_form(client, f"/insurance/seasons/{season.id}/names",
                        {"name": "2026", "names-ru": "Двадцать седьмой"}, form_path=rates_path)
    assert refused.status_code == 422 and "already has a season called" in refused.get_data(as_text=True)
    assert 'value="Двадцать седьмой"' in refused.get_data(as_text=True)
    assert post_form(client, f"/insurance/seasons/{season.id}/names", {"name": "2027", "names-ru": "Двадцать седьмой"},
                     form_path=rates_path).status_code == 302
    db.session.expire_all()
    assert (season.name, season.names) == ("2027", {"ru": "Двадцать седьмой"})


def test_seasons_are_created_and_renamed_from_the_cli(runner, insurance):
    db.session.commit()
    scheme = str(insurance.scheme.id)
    user = insurance.am.manager.username
    out = runner.invoke(args=["insurance", "season-create", scheme, "2027", "--from", "2027-01-01", "--to",
                              "2027-12-31", "--names", "hy=Քսանյոթ", "--user", user])
    assert out.exit_code == 0, out.output
    assert "2027 (names: hy: Քսանյոթ), 2027-01-01 to 2027-12-31" in out.output
    out = runner.invoke(args=["insurance", "season-rename", scheme, "2027", "Двадцать седьмой", "--locale", "ru",
                              "--user", user])
    assert out.exit_code == 0 and "names: hy: Քսանյոթ, ru: Двадцать седьмой" in out.output
    out = runner.invoke(args=["insurance", "season-rename", scheme, "2027", "", "--locale", "hy", "--user", user])
    assert "names: ru: Двадцать седьмой" in out.output
    refused = runner.invoke(args=["insurance", "season-rename", scheme, "2027", "2026", "--user", user])
    assert refused.exit_code == 1 and "already has a season called 2026" in refused.output
    clerk = runner.invoke(args=["insurance", "season-rename", scheme, "2027", "x", "--user",
                                insurance.am.clerk.username])
    assert clerk.exit_code == 1
