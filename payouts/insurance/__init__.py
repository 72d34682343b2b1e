"""Community livestock insurance (DESIGN §3, §5.6): schemes' seasons, premium rates, policies, premiums and the fund.

A scheme is a programme of kind ``insurance``. Its fund is a double-entry ledger (``ledger``); its balance is always
derived from the entries. Claims under a scheme are assessed with the policy check of §5.6 (``coverage``, ``step``)
and paid from the fund (``fund``): money is reserved at approval, or the claim waits as ``awaiting_funds``.
"""
