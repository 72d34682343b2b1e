import pytest

from tests.helpers import bearer


@pytest.fixture
def api(client, world):
    """Call the API as one of the world's users: api("clerk").post(...), api("am_manager").get(...)."""

    class Caller:
        def __init__(self, headers):
            self.headers = headers

        def get(self, path, **kw):
            return client.get(path, headers=self.headers, **kw)

        def post(self, path, **kw):
            return client.post(path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

        def patch(self, path, **kw):
            return client.patch(path, headers=self.headers, **kw)

    cache = {}

    def as_user(name: str) -> Caller:
        country, _, role = name.rpartition("_")
        user = getattr(getattr(world, country or "ir"), role)
        if name not in cache:
            cache[name] = Caller(bearer(client, user))
        return cache[name]

    return as_user


def claim_body(owner, programme, **overrides):
    body = {
        "owner_id": owner, "programme_id": programme, "incident_at": "2026-11-19T22:30:00+03:30",
        "incident_village": "Chehelmir", "incident_lat": 37.45, "incident_lon": 59.12, "time_of_day": "night",
        "is_in_corral": False, "is_herder_present": False, "is_guard_dog_present": True,
        "narrative": "Three sheep killed outside the corral.",
        "lines": [{"species": "sheep", "age_class": "adult", "outcome": "killed", "count": 3}],
    }
    body.update(overrides)
    return body
