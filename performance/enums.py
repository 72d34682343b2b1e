"""The vocabulary of conservation-performance contracts (DESIGN §13), each value with a translatable title."""

from flask_babel import lazy_gettext as L_

from conflict_service.enums import TitledEnum


class Indicator(TitledEnum):
    """What a contract pays for."""

    DETECTIONS = "detections"  # verified leopard detections per camera-trap deployment-month
    REPRODUCTIONS = "reproductions"  # verified young leopards seen
    NO_RETALIATION = "no_retaliation"  # a period without a retaliation killing or poaching

    @classmethod
    def _titles(cls):
        return {cls.DETECTIONS: L_("Verified leopard detections per camera-month"),
                cls.REPRODUCTIONS: L_("Verified leopard reproductions"),
                cls.NO_RETALIATION: L_("A period without retaliation")}

    @property
    def needs_cameras(self) -> bool:
        return self != Indicator.NO_RETALIATION


class Forfeiture(TitledEnum):
    """What a retaliation killing or confirmed poaching in the community's area does to the period's payment."""

    CANCEL = "cancel"
    CUT = "cut"

    @classmethod
    def _titles(cls):
        return {cls.CANCEL: L_("Cancels the period's payment"), cls.CUT: L_("Cuts the period's payment")}


class Fallback(TitledEnum):
    """What a period whose camera monitoring failed is paid."""

    AVERAGE = "average"
    NOTHING = "nothing"

    @classmethod
    def _titles(cls):
        return {cls.AVERAGE: L_("Average of the last verified periods"), cls.NOTHING: L_("Nothing")}


class Distribution(TitledEnum):
    """How a period's payment reaches the community."""

    LUMP_SUM = "lump_sum"
    EQUAL = "equal"
    HERD_WEIGHTED = "herd_weighted"

    @classmethod
    def _titles(cls):
        return {cls.LUMP_SUM: L_("Lump sum to the community's account"),
                cls.EQUAL: L_("Equal shares to the members"),
                cls.HERD_WEIGHTED: L_("Shares to the members by herd size")}


class Review(TitledEnum):
    """A verifier's review of one imported leopard observation."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"

    @classmethod
    def _titles(cls):
        return {cls.PENDING: L_("Waiting for verification"), cls.CONFIRMED: L_("Confirmed"),
                cls.REJECTED: L_("Rejected")}


class PeriodStatus(TitledEnum):
    OPEN = "open"
    APPROVED = "approved"  # payable: approved, or a payment of it failed
    IN_PAYMENT = "in_payment"  # every part is in a payment batch, not all confirmed yet
    PAID = "paid"
    SETTLED = "settled"  # approved with a total of nothing (forfeited, or no verified units): never paid, closed

    @classmethod
    def _titles(cls):
        return {cls.OPEN: L_("Not yet approved"), cls.APPROVED: L_("Approved"), cls.IN_PAYMENT: L_("In payment"),
                cls.PAID: L_("Paid"), cls.SETTLED: L_("Settled, nothing to pay")}
