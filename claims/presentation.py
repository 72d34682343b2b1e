"""How claims' audit events read in the history (stored in English codes, shown in the reader's language)."""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import lazy_pgettext as LP_

from claims.enums import Confidence, Predator, ProgrammeKind, ReportChannel, TimeOfDay, YearCalendar
from claims.states import ClaimState
from claims.years import year_bounds
from conflict_service.audit.presentation import register, register_fields, register_values
from conflict_service.i18n import format_date, native_digits
from conflict_service.timeutil import utcnow


def register_texts() -> None:
    """Describe the claims' audit actions, their fields and values for people (``create_app`` calls it)."""
    register({
        "programme.created": L_("Programme {label} created"),
        "programme.updated": L_("Programme {label} changed"),
        "owner.registered": L_("Owner {label} registered"),
        "owner.updated": L_("Owner {label} corrected"),
        "claim.submitted": L_("Claim {label} filed"),
        "claim.updated": L_("Claim {label} corrected"),
        "claim.assign": L_("Assigned to a verifier"),
        "claim.reassign": L_("Reassigned to another verifier"),
        "claim.withdraw": L_("Withdrawn at the owner's request"),
        "claim.verify_confirm": L_("Verified: loss confirmed"),
        "claim.verify_reject": L_("Verified: claim rejected"),
        "claim.approve": L_("Approved for payment"),
        "claim.reject": L_("Rejected by the programme manager"),
        "claim.appeal": L_("Appeal filed"),
        "claim.add_to_batch": L_("Added to a payment batch"),
        "claim.remove_from_batch": L_("Removed from a payment batch"),
        "claim.pay": L_("Payment confirmed"),
        "claim.fail_payment": L_("Payment failed"),
    })

    register_fields({
        "owner_id": L_("Owner"), "programme_id": L_("Programme"), "office_id": L_("Office"),
        "incident_at": L_("Incident time"), "incident_lat": L_("Latitude"), "incident_lon": L_("Longitude"),
        "incident_village": L_("Village or place"), "time_of_day": L_("Day or night"),
        "is_in_corral": L_("In a corral"), "is_herder_present": L_("Herder present"),
        "is_guard_dog_present": L_("Guard dog present"), "narrative": L_("Narrative"),
        "reported_at": L_("Reported by the owner"), "report_channel": L_("How the owner reported"),
        "lines": L_("Losses"), "name": L_("Name"),
        "national_id": L_("National ID"), "phone": L_("Phone"), "village": L_("Village"),
        "home_lat": L_("Latitude"), "home_lon": L_("Longitude"), "preferred_language": L_("Preferred language"),
        "herd": L_("Herd"), "incident_date": L_("Incident date"), "is_toman_shown": L_("Amounts also in toman"),
        # programme fields and rules, named as on the programme's page
        "names": L_("Names in other languages"), "year_calendar": L_("Programme year counted in"),
        "year_start_month": L_("First month of the programme year"), "kind": L_("Kind"), "currency": L_("Currency"),
        "jurisdiction_id": L_("Run in"), "official_language": L_("Official language"),
        "is_active": LP_("programme", "Active"),
        "covered_predators": L_("Covered predators"), "min_confidence": L_("Minimum confidence"),
        "injured_pct": L_("Injured animals"), "missing_pct": L_("Missing animals"),
        "report_deadline_days": L_("Reporting deadline"),
        "report_backdating_days": L_("Earlier report accepted up to"), "negligence_pct": L_("Negligence reduction"),
        "noncompliance_pct": L_("Corral not used"), "mitigation_bonus_pct": L_("Mitigation bonus"),
        "household_annual_cap": L_("Household cap a year"), "exclusion_zones": L_("Exclusion zones"),
        "dual_approval_threshold": L_("Two approvals above"), "advance_pct": L_("Advance"),
        "verification_sla_hours": L_("Verification due"), "payment_sla_days": L_("Payment due"),
        "late_interest_pct_per_year": L_("Late-payment interest"), "appeal_days": L_("Appeal period"),
        "max_claims_per_year": L_("Claims per owner a year"), "retaliation_freeze_days": L_("Retaliation freeze"),
        "coverage_pct": L_("Insurance coverage"), "deductible": L_("Deductible"),
    })

    # money-rule proposals (claims/rule_changes.py)
    register({
        "programme.rules_proposed": L_("Change of the money rules of {label} proposed (proposal {proposal})"),
        "programme.rules_confirmed": L_("Change of the money rules of {label} confirmed (proposal {proposal}, "
                                        "proposed by {proposed_by})"),
        "programme.rules_refused": L_("Change of the money rules of {label} refused (proposal {proposal})"),
    })

    register_values({"status": ClaimState, "time_of_day": TimeOfDay, "year_calendar": YearCalendar,
                     "min_confidence": Confidence, "covered_predators": Predator, "kind": ProgrammeKind,
                     "report_channel": ReportChannel})


def programme_year_text(programme) -> str:
    """The programme's year as its page states it: "Solar Hijri calendar (from Nowruz), from month 1; now 1405"."""
    year = year_bounds(programme, utcnow().date())
    return _("{calendar}, from month {month}; now {year} ({start} – {end})").format(
        calendar=programme.year_calendar.title, month=native_digits(str(programme.year_start_month)),
        year=native_digits(year.label), start=format_date(year.start),
        end=format_date(year.end - timedelta(days=1)))
