"""The circumstances of a loss, as the claim states them and as the verifier corrected them (DESIGN §5.4, §5.5).

One definition for every step that reads them: husbandry (payouts) and mitigation both take it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from claims.enums import TimeOfDay

NAMES = ("time_of_day", "is_in_corral", "is_herder_present", "is_guard_dog_present")


@dataclass(frozen=True)
class Circumstances:
    time_of_day: TimeOfDay
    is_in_corral: bool
    is_herder_present: bool
    is_guard_dog_present: bool

    @property
    def is_night(self) -> bool:
        return self.time_of_day == TimeOfDay.NIGHT

    @property
    def is_unguarded_night(self) -> bool:
        """At night, outside a corral, with no herder and no guard dog present (§5.4)."""
        return self.is_night and not self.is_in_corral and not self.is_herder_present and not self.is_guard_dog_present

    @classmethod
    def of_claim(cls, claim, correction=None) -> Circumstances:
        """The claim's circumstances, each replaced by the verifier's finding where one was recorded (not None).

        ``correction`` is any object with the same four attributes (the standing verification); claims does not
        import verification.
        """
        values = {}
        for name in NAMES:
            corrected = getattr(correction, name, None) if correction is not None else None
            values[name] = corrected if corrected is not None else getattr(claim, name)
        values["time_of_day"] = TimeOfDay(values["time_of_day"])
        return cls(**values)
