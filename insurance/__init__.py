"""Community livestock insurance (DESIGN §3, §5.6): schemes' seasons, premium rates, policies, premiums and the fund.

A scheme is a programme of kind ``insurance``. Its fund is a double-entry ledger (``ledger``); its balance is always
derived from the entries. Claims under a scheme are assessed with the policy check of §5.6 (``coverage``, ``step``)
and paid from the fund (``fund``): money is reserved at approval, or the claim waits as ``awaiting_funds``.
"""


def init_app(app) -> None:
    """Plug the schemes into payouts: the §5.6 assessment step, its facts and texts, the fund as the schemes'
    funding; and the ledger's append-only guard and the words for insurance's audit events."""
    from claims.enums import ProgrammeKind
    from insurance import coverage, fund, ledger, presentation, step
    from payouts import breakdown
    from payouts.assessment import register_facts, register_step
    from payouts.funding import Funding, register_funding

    register_step(app, "insurance", step.insurance)
    register_facts(app, coverage.findings)
    breakdown.register_texts(lines=step.LINE_TEXT, reasons=step.REASON_TEXT)
    ledger.listen()
    presentation.register_texts()
    register_funding(app, ProgrammeKind.INSURANCE, Funding(
        award_approved=fund.reserve_for_award, batch_approved=fund.reserve_interest, payment_paid=fund.pay_out,
        payment_failed=fund.release_failed))
