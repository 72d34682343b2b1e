"""Every change made by insurance. Operations flush and audit; the caller commits once."""

from insurance.fund import contribute, correct
from insurance.policies import enrol, record_violation
from insurance.premiums import policy_for_payment, record_premium
from insurance.seasons import create_season, import_premium_rates, record_premium_rates, update_season

__all__ = ["contribute", "correct", "create_season", "enrol", "import_premium_rates", "policy_for_payment",
           "record_premium",
           "record_premium_rates", "record_violation", "update_season"]
