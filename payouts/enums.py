"""The vocabulary of payouts: payment kinds, methods and states, batch states, decisions and reason codes."""

from flask_babel import lazy_gettext as L_
from flask_babel import lazy_pgettext as LP_

from claims.enums import TitledEnum


class PaymentKind(TitledEnum):
    ADVANCE = "advance"
    FINAL = "final"

    @classmethod
    def _titles(cls):
        return {cls.ADVANCE: L_("Advance"), cls.FINAL: LP_("payment kind", "Payment")}


class PaymentMethod(TitledEnum):
    BANK = "bank"
    MOBILE_MONEY = "mobile_money"
    CASH = "cash"

    @classmethod
    def _titles(cls):
        return {cls.BANK: L_("Bank transfer"), cls.MOBILE_MONEY: L_("Mobile money"),
                cls.CASH: L_("Cash with signed receipt")}


class PaymentStatus(TitledEnum):
    PENDING = "pending"
    SENT = "sent"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @classmethod
    def _titles(cls):
        return {cls.PENDING: LP_("payment status", "Pending"), cls.SENT: LP_("payment status", "Sent"),
                cls.CONFIRMED: LP_("payment status", "Confirmed"),
                cls.FAILED: LP_("payment status", "Failed"), cls.CANCELLED: LP_("payment status", "Cancelled")}


# A payment in one of these states blocks another of the same kind for the claim (see the partial unique index).
LIVE_PAYMENT_STATES = (PaymentStatus.PENDING, PaymentStatus.SENT, PaymentStatus.CONFIRMED)


class BatchStatus(TitledEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @classmethod
    def _titles(cls):
        return {cls.AWAITING_APPROVAL: L_("Awaiting approval"), cls.APPROVED: L_("Approved, payments sent"),
                cls.CLOSED: LP_("batch status", "Closed"), cls.CANCELLED: LP_("batch status", "Cancelled")}

    @property
    def is_open(self) -> bool:
        return self in (BatchStatus.AWAITING_APPROVAL, BatchStatus.APPROVED)


class DecisionKind(TitledEnum):
    APPROVE = "approve"
    REJECT = "reject"

    @classmethod
    def _titles(cls):
        return {cls.APPROVE: L_("Approval"), cls.REJECT: L_("Rejection")}


class RejectReason(TitledEnum):
    NOT_COVERED = "not_covered"
    NO_RATE = "no_rate"
    LATE_REPORT = "late_report"
    EXCLUDED_ZONE = "excluded_zone"
    HOUSEHOLD_CAP_REACHED = "household_cap_reached"
    NOT_INSURED = "not_insured"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    DUPLICATE = "duplicate"
    FALSE_CLAIM = "false_claim"
    OTHER = "other"

    @classmethod
    def _titles(cls):
        return {cls.NOT_COVERED: L_("Predator or confidence not covered"), cls.NO_RATE: L_("No rate in force"),
                cls.LATE_REPORT: L_("Reported too late"), cls.EXCLUDED_ZONE: L_("Inside an exclusion zone"),
                cls.HOUSEHOLD_CAP_REACHED: L_("Household cap reached"), cls.NOT_INSURED: L_("Not insured"),
                cls.INSUFFICIENT_EVIDENCE: L_("Insufficient evidence"), cls.DUPLICATE: L_("Duplicate of another claim"),
                cls.FALSE_CLAIM: L_("False claim"), cls.OTHER: L_("Other (explained in the note)")}
