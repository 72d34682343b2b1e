"""Events: what happened, for the packages above that want to act on it (DESIGN §11).

Every audited change is an event: ``audit.operations.record`` calls :func:`emit` with the audit action
(``claim.submitted``, ``claim.approve``...), the entity and the event's data. A subscriber runs inside the same
transaction, so what it writes (an outbox row) commits or rolls back with the change that caused it. Higher
packages subscribe from their ``init_app``; a lower package never knows who listens.
"""

from __future__ import annotations

from collections.abc import Callable

Subscriber = Callable[..., None]
_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(action: str, fn: Subscriber) -> None:
    """Call ``fn(entity, actor=..., data=..., reason=...)`` whenever ``action`` is recorded."""
    listeners = _subscribers.setdefault(action, [])
    if fn not in listeners:
        listeners.append(fn)


def emit(action: str, entity, **params) -> None:
    for fn in _subscribers.get(action, ()):
        fn(entity, **params)
