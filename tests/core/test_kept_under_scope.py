"""What a process keeps per user under the scope version (jurisdictions.queries.kept_under_scope): one store per
kind, emptied when another version is asked for, bounded in users."""

from __future__ import annotations

from conflict_service.jurisdictions import queries as jq


def test_a_kind_keeps_per_user_until_the_version_moves_and_kinds_are_apart(app):
    with app.app_context():
        jq.keep(jq.kept_under_scope("test_kind", 7), 1, "ones")
        assert jq.kept_under_scope("test_kind", 7) == {1: "ones"}
        assert jq.kept_under_scope("other_kind", 7) == {}
        assert jq.kept_under_scope("test_kind", 8) == {}  # the version moved: nothing kept under the old one
        assert jq.kept_under_scope("test_kind", 7) == {}  # nor brought back when an old version is asked again


def test_the_store_is_bounded_in_users(app, monkeypatch):
    monkeypatch.setattr(jq, "KEPT_USERS", 3)
    with app.app_context():
        kept = jq.kept_under_scope("test_kind", 1)
        for user_id in range(3):
            jq.keep(kept, user_id, user_id)
        assert len(kept) == 3
        jq.keep(kept, 99, "new")
        assert kept == {99: "new"}
