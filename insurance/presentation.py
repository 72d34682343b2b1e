"""Words for people: the audit actions of insurance, and codes in histories shown by their titles."""

from datetime import date

from flask_babel import lazy_gettext as L_

from conflict_service.audit.presentation import register, register_fields, register_value
from conflict_service.i18n import format_date


def register_texts() -> None:
    """Describe insurance's audit actions and fields for people (``insurance.init_app`` calls it)."""
    register({
        "insurance_season.created": L_("Season {label} created"),
        "insurance_season.updated": L_("Season {label} renamed"),
        "insurance_season.premium_rates_recorded": L_("Premium rates version {version} recorded for {label}"),
        "insurance_policy.enrolled": L_("{owner} enrolled for {season}: premium {amount}"),
        "insurance_policy.enrolled_on_paper": L_("{owner} enrolled for {season} on paper on {enrolled_on} (form "
                                                 "{reference}), typed in later: premium {amount}"),
        "insurance_policy.premium_paid": L_("Premium of {amount} paid (receipt {receipt})"),
        "insurance_policy.premium_reversed": L_("Premium payment {reference} of {amount} reversed"),
        "insurance_policy.violation_recorded": L_("Poaching violation recorded: cover ended from that day"),
        "owner.insurance_enrolled": L_("Enrolled in {scheme} for {season}: policy {policy}"),
        "owner.insurance_violation": L_("Poaching violation under policy {policy}: cover ended"),
        "insurance_fund.contribution_received": L_("Donor contribution of {amount} from {donor} (posting no. {seq})"),
        "insurance_fund.corrected": L_("Posting no. {reversed} of {amount} reversed by posting no. {seq}"),
        "claim.await_funds": L_("Approved for {total}; the insurance fund cannot pay it yet, so it waits for money"),
        "claim.release_funds": L_("{amount} reserved in the insurance fund (posting no. {seq}): ready for payment"),
    })
    register_fields({"violation_on": L_("Poaching violation on")})
    register_value("enrolled_on", lambda value: format_date(date.fromisoformat(value)))
