#!/usr/bin/env python3
"""A git merge driver for gettext catalogs: ``po_merge.py BASE OURS THEIRS`` writes the merge into OURS.

Branches add messages and translations side by side; a line-based merge of two catalogs that both grew
conflicts on every neighbouring entry. This merges them as catalogs: every message of either side is kept,
and for a message both sides have, the side that changed its translation (against BASE) wins; when both
changed it differently, OURS is kept and the merge still succeeds (``scripts/translations check`` will
show a wrong translation; a conflict marker in a catalog would break every page). Run
``scripts/translations update`` after the merge: it drops messages the code no longer uses.

Installed by ``scripts/install --dev`` as ``git config merge.catalog.driver`` for the files that
``.gitattributes`` marks ``merge=catalog``.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def _read(path: str, locale: str | None):
    with open(path, "rb") as f:
        return read_po(f, locale=locale)


def _key(message):
    return (message.id if not isinstance(message.id, tuple) else message.id[0], message.context)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return any(strings)


def merge(base_path: str, ours_path: str, theirs_path: str) -> None:
    ours = _read(ours_path, None)
    locale = str(ours.locale) if ours.locale else None
    theirs, base = _read(theirs_path, locale), _read(base_path, locale)
    base_strings = {_key(m): m.string for m in base if m.id}
    ours_index = {_key(m): m for m in ours if m.id}
    for message in theirs:
        if not message.id:
            continue
        mine = ours_index.get(_key(message))
        if mine is None:
            ours[message.id] = message  # a message only their side has (its context travels with it)
            continue
        theirs_changed = message.string != base_strings.get(_key(message))
        ours_changed = mine.string != base_strings.get(_key(message))
        if _translated(message) and (not _translated(mine) or (theirs_changed and not ours_changed)):
            mine.string = message.string
            mine.flags = set(message.flags)
        mine.locations = sorted(set(mine.locations) | set(message.locations))
    with open(ours_path, "wb") as f:
        write_po(f, ours, width=120, sort_by_file=True)


if __name__ == "__main__":
    merge(*sys.argv[1:4])
