"""Enumerations stored by value, each member with a translatable title."""

import enum


class TitledEnum(enum.StrEnum):
    @property
    def title(self):
        return self._titles()[self]

    @classmethod
    def _titles(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, str(m.title)) for m in cls]
