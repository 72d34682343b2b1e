"""The domain's vocabulary (DESIGN §3), each value with a translatable title."""

from flask_babel import lazy_gettext as L_
from flask_babel import lazy_pgettext as LP_

from conflict_service.enums import TitledEnum

__all__ = ["TitledEnum", "Clock", "ProgrammeKind", "Species", "AgeClass", "LossOutcome", "Predator", "Confidence",
           "TimeOfDay", "RuleChangeStatus", "YearCalendar", "ReportChannel"]


class ProgrammeKind(TitledEnum):
    COMPENSATION = "compensation"
    INSURANCE = "insurance"
    PERFORMANCE = "performance"  # pays communities by contract for leopards alive (DESIGN §13); takes no claims

    @classmethod
    def _titles(cls):
        return {cls.COMPENSATION: L_("Compensation programme"), cls.INSURANCE: L_("Community insurance scheme"),
                cls.PERFORMANCE: L_("Conservation-performance programme")}


class Species(TitledEnum):
    SHEEP = "sheep"
    GOAT = "goat"
    CATTLE = "cattle"
    HORSE = "horse"
    DONKEY = "donkey"
    CAMEL = "camel"
    YAK = "yak"
    DOG = "dog"

    @classmethod
    def _titles(cls):
        return {cls.SHEEP: L_("Sheep"), cls.GOAT: L_("Goat"), cls.CATTLE: L_("Cattle"), cls.HORSE: L_("Horse"),
                cls.DONKEY: L_("Donkey"), cls.CAMEL: L_("Camel"), cls.YAK: L_("Yak"), cls.DOG: L_("Dog")}


class AgeClass(TitledEnum):
    YOUNG = "young"
    ADULT = "adult"

    @classmethod
    def _titles(cls):
        return {cls.YOUNG: L_("Young"), cls.ADULT: L_("Adult")}


class LossOutcome(TitledEnum):
    KILLED = "killed"
    INJURED = "injured"
    MISSING = "missing"

    @classmethod
    def _titles(cls):
        return {cls.KILLED: L_("Killed"), cls.INJURED: L_("Injured"), cls.MISSING: L_("Missing")}


class Predator(TitledEnum):
    LEOPARD = "leopard"
    SNOW_LEOPARD = "snow_leopard"
    WOLF = "wolf"
    BEAR = "bear"
    LYNX = "lynx"
    JACKAL = "jackal"
    HYENA = "hyena"
    DOG = "dog"
    UNKNOWN = "unknown"

    @classmethod
    def _titles(cls):
        return {cls.LEOPARD: L_("Leopard"), cls.SNOW_LEOPARD: L_("Snow leopard"), cls.WOLF: L_("Wolf"),
                cls.BEAR: L_("Bear"), cls.LYNX: L_("Lynx"), cls.JACKAL: L_("Jackal"), cls.HYENA: L_("Hyena"),
                # i18n: a feral or stray dog as the predator
                cls.DOG: L_("Dog (feral or stray)"), cls.UNKNOWN: L_("Unknown")}


class Confidence(TitledEnum):
    POSSIBLE = "possible"
    PROBABLE = "probable"
    CONFIRMED = "confirmed"

    @property
    def rank(self) -> int:
        return list(Confidence).index(self)

    @classmethod
    def _titles(cls):
        return {cls.POSSIBLE: L_("Possible"), cls.PROBABLE: L_("Probable"),
                cls.CONFIRMED: LP_("predator identification", "Confirmed")}


class TimeOfDay(TitledEnum):
    DAY = "day"
    NIGHT = "night"

    @classmethod
    def _titles(cls):
        return {cls.DAY: L_("Day"), cls.NIGHT: L_("Night")}


class ReportChannel(TitledEnum):
    """How the owner first reported the loss (DESIGN §5.3): at the office when the claim is filed, or earlier."""

    OFFICE = "office"
    PHONE = "phone"
    RANGER = "ranger"
    PAPER_FORM = "paper_form"
    FIELD_RECORD = "field_record"

    @property
    def tells_the_service(self) -> bool:
        """The programme's own people heard of the loss at the report (not only when a paper reached the office),
        so the site visit was due from then."""
        return self is not ReportChannel.PAPER_FORM

    @classmethod
    def _titles(cls):
        return {cls.OFFICE: L_("At the office"), cls.PHONE: L_("By phone to the office"),
                # i18n: the owner told a ranger or game guard, who noted it
                cls.RANGER: L_("To a ranger"), cls.PAPER_FORM: L_("On a paper form"),
                cls.FIELD_RECORD: L_("In an offline field record")}


class YearCalendar(TitledEnum):
    """The calendar of a programme's year (DESIGN §3): annual caps, annual figures and the bulletin follow it."""

    GREGORIAN = "gregorian"
    SOLAR_HIJRI = "solar_hijri"

    @classmethod
    def _titles(cls):
        return {cls.GREGORIAN: L_("Gregorian calendar"), cls.SOLAR_HIJRI: L_("Solar Hijri calendar (from Nowruz)")}


class RuleChangeStatus(TitledEnum):
    """A proposed change of a programme's money rules (DESIGN §2): it applies once a second manager confirms it."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REFUSED = "refused"

    @classmethod
    def _titles(cls):
        return {cls.PENDING: L_("Waiting for a second manager"), cls.CONFIRMED: LP_("rule change", "Confirmed"),
                cls.REFUSED: L_("Refused or withdrawn")}


class Clock(TitledEnum):
    """The stage a claim's clock is counting (DESIGN §6): what is due next, and by whom."""

    VERIFICATION = "verification"
    DECISION = "decision"
    PAYMENT = "payment"
    CONFIRMATION = "confirmation"

    @classmethod
    def _titles(cls):
        return {cls.VERIFICATION: L_("Site visit"), cls.DECISION: L_("Decision"), cls.PAYMENT: L_("Payment"),
                cls.CONFIRMATION: L_("Payment confirmation")}
