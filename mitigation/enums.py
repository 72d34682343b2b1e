"""The vocabulary of mitigation (DESIGN §3): kinds of measure, inspection findings, dogs and vaccines."""

from flask_babel import lazy_gettext as L_
from flask_babel import lazy_pgettext as LP_

from conflict_service.enums import TitledEnum


class MeasureKind(TitledEnum):
    PREDATOR_PROOF_CORRAL = "predator_proof_corral"
    ELECTRIC_FENCE = "electric_fence"
    GUARDIAN_DOG = "guardian_dog"
    FOXLIGHT = "foxlight"
    PROTECTIVE_COLLAR = "protective_collar"
    TRAINING = "training"

    @classmethod
    def _titles(cls):
        return {cls.PREDATOR_PROOF_CORRAL: L_("Predator-proof corral"), cls.ELECTRIC_FENCE: L_("Electric fence"),
                cls.GUARDIAN_DOG: L_("Livestock guardian dog"),
                # i18n: a flashing light that makes a predator think people are about at night
                cls.FOXLIGHT: L_("Foxlight"), cls.PROTECTIVE_COLLAR: L_("Protective collar"),
                cls.TRAINING: L_("Herder training")}


class MeasureStatus(TitledEnum):
    """What the last inspection found. A measure never inspected has no status yet (it counts as working)."""

    GOOD = "good"
    NEEDS_REPAIR = "needs_repair"
    FAILED = "failed"
    ABANDONED = "abandoned"

    @classmethod
    def _titles(cls):
        return {cls.GOOD: L_("Good"), cls.NEEDS_REPAIR: L_("Needs repair"), cls.FAILED: LP_("measure status", "Failed"),
                cls.ABANDONED: L_("Abandoned")}

    @property
    def is_working(self) -> bool:
        """DESIGN §5.5: a measure found failed or abandoned no longer counts as active."""
        return self not in (MeasureStatus.FAILED, MeasureStatus.ABANDONED)


class DogSex(TitledEnum):
    MALE = "male"
    FEMALE = "female"

    @classmethod
    def _titles(cls):
        return {cls.MALE: L_("Male"), cls.FEMALE: L_("Female")}


class VaccineKind(TitledEnum):
    RABIES = "rabies"
    DISTEMPER_PARVOVIRUS = "distemper_parvovirus"
    OTHER = "other"

    @classmethod
    def _titles(cls):
        return {cls.RABIES: L_("Rabies"), cls.DISTEMPER_PARVOVIRUS: L_("Distemper and parvovirus"),
                cls.OTHER: L_("Other vaccine")}


class MitigationCase(TitledEnum):
    """Which step of DESIGN §5.5 applies to a loss."""

    NONCOMPLIANCE = "noncompliance"
    BONUS = "bonus"
    NONE = "none"

    @classmethod
    def _titles(cls):
        return {cls.NONCOMPLIANCE: L_("Mitigation not used"), cls.BONUS: L_("Mitigation in use"),
                cls.NONE: L_("No mitigation measure involved")}
