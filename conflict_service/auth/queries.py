import sqlalchemy as sa

from conflict_service.auth.models import Role, User
from conflict_service.db import db
from conflict_service.errors import NotFound
from conflict_service.jurisdictions import queries as jq


def all_users(actor: User | None = None) -> list[User]:
    """Every user, or (for an administrator) the users they administer."""
    users = list(db.session.scalars(sa.select(User).order_by(User.username)))
    return users if actor is None else [u for u in users if administers(actor, u)]


def administers(actor: User | None, user: User) -> bool:
    """An administrator manages the users whose every jurisdiction lies within their own (the command line,
    ``actor`` None, manages all): a national administrator cannot see or change another country's users."""
    if actor is None:
        return True
    scope = jq.scope_ids(actor)
    return all(j.id in scope for j in user.jurisdictions)


def get_user(user_id: int, actor: User | None = None) -> User:
    user = db.session.get(User, user_id)
    if user is None or not administers(actor, user):
        raise NotFound()
    return user


def get_by_username(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))


def users_with_role_in(role: Role, office_id: int) -> list[User]:
    """Active users of ``role`` whose jurisdictions include the office (e.g. verifiers for a claim)."""
    t = jq.tree()
    covering = {office_id, *t.ancestors(office_id)}
    users = db.session.scalars(sa.select(User).where(User.role == role, User.is_active.is_(True))
                               .order_by(User.username))
    return [u for u in users if any(j.id in covering for j in u.jurisdictions)]
