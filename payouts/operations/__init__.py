"""Every change made by payouts. Operations flush and audit; the caller commits once."""

from payouts.operations.accounts import set_payout_account
from payouts.operations.batches import approve_batch, build_batch, cancel_batch, payment_file
from payouts.operations.decisions import approve_claim, grant_advance, reject_claim
from payouts.operations.payments import confirm_payment, fail_payment
from payouts.operations.rates import confirm_rates, import_csv, record_rates, refuse_rates
from payouts.operations.reconciliation import reconcile

__all__ = ["approve_batch", "approve_claim", "build_batch", "cancel_batch", "confirm_payment", "confirm_rates",
           "fail_payment", "grant_advance", "import_csv", "payment_file", "reconcile", "record_rates", "refuse_rates",
           "reject_claim", "set_payout_account"]
