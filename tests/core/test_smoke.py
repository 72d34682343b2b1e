from tests.helpers import bearer, login


def test_login_and_home_page(client, world):
    r = login(client, world.ir.clerk)
    assert r.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Welcome" in page.get_data(as_text=True)


def test_api_lists_claims(client, world, make):
    make.claim(world.ir)
    headers = bearer(client, world.ir.manager)
    r = client.get("/api/v1/claims", headers=headers)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["total"] == 1
