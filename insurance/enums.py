"""The vocabulary of insurance: the fund's accounts and the kinds of its transactions."""

from flask_babel import lazy_gettext as L_
from flask_babel import lazy_pgettext as LP_

from claims.enums import TitledEnum


class Account(TitledEnum):
    """Accounts of a scheme's fund. Entries are signed: a debit is positive, a credit negative.

    ``fund`` is the money free to spend, ``reserved`` the money held for approved claims until their payment is
    confirmed; both are money the fund holds. ``premiums`` and ``contributions`` (credits) say where it came
    from and ``payouts`` (debits) where it went.
    """

    FUND = "fund"
    RESERVED = "reserved"
    PREMIUMS = "premiums"
    CONTRIBUTIONS = "contributions"
    PAYOUTS = "payouts"

    @classmethod
    def _titles(cls):
        return {cls.FUND: L_("Available"), cls.RESERVED: L_("Reserved for approved claims"),
                cls.PREMIUMS: L_("Premiums"), cls.CONTRIBUTIONS: L_("Donor contributions"), cls.PAYOUTS: L_("Payouts")}


HELD = (Account.FUND, Account.RESERVED)


class TransactionKind(TitledEnum):
    PREMIUM = "premium"
    CONTRIBUTION = "contribution"
    RESERVATION = "reservation"
    PAYOUT = "payout"
    REVERSAL = "reversal"

    @classmethod
    def _titles(cls):
        return {cls.PREMIUM: L_("Premium received"), cls.CONTRIBUTION: L_("Donor contribution"),
                cls.RESERVATION: L_("Reserved for an approved claim"), cls.PAYOUT: L_("Payout confirmed"),
                cls.REVERSAL: L_("Correction (reversal)")}


# Kinds a manager may correct by hand; reservations and payouts follow claims and payments and are reversed by them.
CORRECTABLE = (TransactionKind.PREMIUM, TransactionKind.CONTRIBUTION)


class PolicyStatus(TitledEnum):
    """Shown, never stored: derived from the season's dates, the enrolment date and any poaching violation."""

    UPCOMING = "upcoming"
    ACTIVE = "active"
    ENDED = "ended"
    VIOLATION = "violation"

    @classmethod
    def _titles(cls):
        return {cls.UPCOMING: L_("Cover not started yet"), cls.ACTIVE: LP_("policy status", "Active"),
                cls.ENDED: L_("Season ended"),
                cls.VIOLATION: L_("Cover ended: poaching violation")}
