"""Bad input is a clear 4xx on both databases, never a database error."""

import pytest

from tests.helpers import bearer

HUGE = 99_999_999_999


@pytest.mark.parametrize("url", ["/api/v1/payments/{n}", "/api/v1/claims/{n}/assessment", "/api/v1/payment-batches/{n}",
                                 "/api/v1/reconciliations/{n}", "/api/v1/programmes/{n}/rates"])
def test_ids_too_large_for_the_database_are_not_found(client, world, url):
    assert client.get(url.format(n=HUGE), headers=bearer(client, world.ir.manager)).status_code == 404


def test_too_large_numbers_in_bodies_answer_422(client, world):
    headers = bearer(client, world.ir.manager)
    r = client.post("/api/v1/payment-batches", json={"programme_id": HUGE, "claim_ids": [HUGE]}, headers=headers)
    assert r.status_code == 422 and set(r.get_json()["errors"]) == {"programme_id", "claim_ids"}
    r = client.post(f"/api/v1/programmes/{world.ir.programme.id}/rates", headers=headers, json={"entries": [
        {"species": "sheep", "age_class": "adult", "amount": "1e30", "valid_from": "2025-01-01"}]})
    assert r.status_code == 422 and "amount" in r.get_json()["errors"]["entries"]["0"]
    r = client.patch(f"/api/v1/programmes/{world.ir.programme.id}", json={"deductible": "1e30"}, headers=headers)
    assert r.status_code == 422 and "deductible" in r.get_json()["errors"]


def test_a_huge_programme_id_on_the_batch_page_is_ignored(client, world):
    from tests.payouts.conftest import sign_in

    sign_in(client, world.ir.manager)
    r = client.get(f"/payment-batches/new?programme_id={HUGE}")
    assert r.status_code == 200 and "Choose…" in r.get_data(as_text=True)
