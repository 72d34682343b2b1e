"""Names per language (DESIGN §14): programmes and jurisdictions keep a name per language, set through the web
forms, the API and the CLI, and every reader sees theirs (else the official name)."""

from __future__ import annotations

from conflict_service.db import db
from conflict_service.jurisdictions.queries import get_by_code
from tests.helpers import bearer, login, post_form


def test_a_programme_is_named_in_the_readers_language_on_pages_and_in_the_api(client, world):
    programme = world.ir.programme
    programme.name = "جبران خسارت پلنگ"
    programme.names = {"en": "Leopard compensation", "hy": "Ընձառյուծի փոխհատուցում"}
    db.session.commit()
    login(client, world.ir.manager)
    assert "Leopard compensation" in client.get(f"/programmes/{programme.id}?lang=en").get_data(as_text=True)
    assert "Ընձառյուծի փոխհատուցում" in client.get(f"/programmes/{programme.id}?lang=hy").get_data(as_text=True)
    russian = client.get(f"/programmes/{programme.id}?lang=ru").get_data(as_text=True)
    assert "جبران خسارت پلنگ" in russian and "Leopard compensation" not in russian  # no Russian name: the official
    body = client.get(f"/api/v1/programmes/{programme.id}", headers={**bearer(client, world.ir.manager),
                                                                     "Accept-Language": "en"}).get_json()
    assert (body["name"], body["local_name"], body["names"]["hy"]) == (
        "جبران خسارت پلنگ", "Leopard compensation", "Ընձառյուծի փոխհատուցում")


def test_a_tajik_reader_reads_a_tajik_programmes_official_name_before_its_russian_one(client, world, make):
    """A programme in Tajikistan is officially named in Tajik; with a Russian name kept beside it, Tajik readers read
    the Russian one on pages and documents (tg falls back to ru before the official name). An Iranian programme's
    official name is Persian script, which Tajik readers do not read: there the Russian name still comes first."""
    tajik = make.programme(world.ir.office, language="tg")
    tajik.name, tajik.names = "Ҷуброни зиёни паланг дар Хатлон", {"ru": "Компенсация ущерба от леопарда в Хатлоне"}
    iranian = world.ir.programme
    iranian.name, iranian.names = "جبران خسارت پلنگ", {"ru": "Компенсация ущерба от леопарда"}
    db.session.commit()
    assert (tajik.name_in("tg"), tajik.name_in("ru"), tajik.name_in("kk")) == (
        "Ҷуброни зиёни паланг дар Хатлон", "Компенсация ущерба от леопарда в Хатлоне",
        "Компенсация ущерба от леопарда в Хатлоне")
    assert iranian.name_in("tg") == "Компенсация ущерба от леопарда"
    login(client, world.ir.manager)
    choices = client.get("/claims?lang=tg").get_data(as_text=True).split('id="programme_id"')[1].split("</select>")[0]
    assert f'<option value="{tajik.id}" >Ҷуброни зиёни паланг дар Хатлон</option>' in choices
    assert f'<option value="{iranian.id}" >Компенсация ущерба от леопарда</option>' in choices


def test_a_manager_names_a_programme_in_other_languages_on_its_rules_page(client, world):
    programme = world.ir.programme
    login(client, world.ir.manager)
    form = client.get(f"/programmes/{programme.id}/edit?lang=en").get_data(as_text=True)
    assert 'name="names-ps"' in form and 'name="year_calendar"' in form
    data = {"name": programme.name, "official_language": "fa", "is_active": ["false", "true"],
            "covered_predators": ["leopard"], "min_confidence": "probable", "names-ps": "د پړانګ تاوان",
            "names-en": "  Leopard   compensation ", "year_calendar": "solar_hijri", "year_start_month": "۱"}
    r = post_form(client, f"/programmes/{programme.id}/edit?lang=en", data)
    assert r.status_code == 302, r.get_data(as_text=True)[-1500:]
    db.session.expire_all()
    assert programme.names == {"ps": "د پړانګ تاوان", "en": "Leopard compensation"}
    assert programme.year_calendar.value == "solar_hijri"


def test_the_api_refuses_a_name_in_a_language_the_service_does_not_have(client, world):
    r = client.patch(f"/api/v1/programmes/{world.ir.programme.id}", json={"names": {"xx": "Nope"}},
                     headers=bearer(client, world.ir.manager))
    assert r.status_code == 422 and "names" in r.get_json()["errors"]


def test_an_office_is_created_with_its_names_from_the_cli(runner, world):
    result = runner.invoke(args=["jurisdictions", "create", "SRX", "--name", "ادارهٔ سرخس", "--parent",
                                 world.ir.region.code, "--names", "en=Sarakhs office", "--names", "ru=Офис в Серахсе"])
    assert result.exit_code == 0, result.output
    office = get_by_code(f"{world.ir.region.code}-SRX")
    assert office.names == {"en": "Sarakhs office", "ru": "Офис в Серахсе"}
    refused = runner.invoke(args=["jurisdictions", "create", "SRY", "--name", "x", "--parent", world.ir.region.code,
                                  "--names", "xx=Nope"])
    assert refused.exit_code != 0


def test_the_demo_names_its_programmes_and_places_in_tajik():
    """A Tajik owner's receipt named the demo's programme in Russian (no Tajik name was kept)."""
    import re

    from claims.demo import AM_PROGRAMME_NAMES, IR_PROGRAMME_NAMES
    from conflict_service.demo import JURISDICTIONS
    from performance.demo import NAMES as PERFORMANCE_NAMES

    for names in (IR_PROGRAMME_NAMES, AM_PROGRAMME_NAMES, PERFORMANCE_NAMES, *(j[4] for j in JURISDICTIONS)):
        assert re.fullmatch(r"[\u0400-\u04ff -]+", names.get("tg", "")), names
