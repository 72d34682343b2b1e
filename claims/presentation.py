"""How claims' audit events read in the history (stored in English codes, shown in the reader's language)."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as L_
from flask_babel import lazy_pgettext as LP_
from flask_babel import ngettext
from markupsafe import Markup, escape

from claims.enums import (
    Clock,
    Confidence,
    EvidenceSign,
    Predator,
    ProgrammeKind,
    ReportChannel,
    Species,
    TimeOfDay,
    YearCalendar,
)
from claims.states import ClaimState
from claims.years import year_bounds
from conflict_service.audit.presentation import (
    recorded_count,
    register,
    register_fields,
    register_value,
    register_values,
)
from conflict_service.i18n import choices_shown, format_date, format_number, join_list, native_digits, translations
from conflict_service.timeutil import utcnow


def register_texts() -> None:
    """Describe the claims' audit actions, their fields and values for people (``create_app`` calls it)."""
    register({
        "programme.created": L_("Programme {label} created"),
        "programme.updated": L_("Programme {label} changed"),
        "owner.registered": L_("Owner {label} registered"),
        "owner.updated": L_("Owner {label} corrected"),
        "owner.merged": lambda data: ngettext(
            "Owner record #{merged} merged into this one, as the same household: {claims} claim moved",
            "Owner record #{merged} merged into this one, as the same household: {claims} claims moved",
            recorded_count(data, "claims")),
        "owner.merged_into": L_("Merged into owner record #{into}, as the same household"),
        "owner.herd_counted": L_("Herd count recorded ({species}: {head_count}, counted on {counted_on})"),
        "owner.herd_count_corrected": L_("Herd count #{corrects} corrected ({species}: {previous} counted on "
                                         "{previous_on} replaced by {head_count} counted on {counted_on})"),
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
        "is_confirmed_carcass_required": L_("Carcass needed for a confirmed attribution"),
        "confirmed_signs": L_("Signs counted for a confirmed attribution"),
        "confirmed_min_signs": L_("Signs needed for a confirmed attribution"),
        "confirmed_min_photos": L_("Photos needed for a confirmed attribution"),
        "is_probable_carcass_required": L_("Carcass needed for a probable attribution"),
        "probable_signs": L_("Signs counted for a probable attribution"),
        "probable_min_signs": L_("Signs needed for a probable attribution"),
        "probable_min_photos": L_("Photos needed for a probable attribution"),
    })

    # money-rule proposals (claims/rule_changes.py)
    register({
        "programme.rules_proposed": L_("Change of the money rules of {label} proposed (proposal {proposal})"),
        "programme.rules_confirmed": L_("Change of the money rules of {label} confirmed (proposal {proposal}, "
                                        "proposed by {proposed_by})"),
        "programme.rules_refused": L_("Change of the money rules of {label} refused (proposal {proposal})"),
    })

    register_value("species", lambda code: Species(code).title)
    for key in ("counted_on", "previous_on"):
        register_value(key, lambda iso: format_date(date.fromisoformat(iso)))
    register_values({"status": ClaimState, "time_of_day": TimeOfDay, "year_calendar": YearCalendar,
                     "min_confidence": Confidence, "covered_predators": Predator, "kind": ProgrammeKind,
                     "report_channel": ReportChannel, "confirmed_signs": EvidenceSign,
                     "probable_signs": EvidenceSign})


def evidence_rules(programme) -> list[tuple[str, str]]:
    """The programme's evidence rules as its page lists them: (the level, what it needs)."""
    levels = (Confidence.CONFIRMED, Confidence.PROBABLE)
    return [(c.title, evidence_rule_text(programme.evidence_rule(c))) for c in levels]


def evidence_rule_text(rule) -> str:
    """One level of a programme's evidence rules as a sentence: "a carcass; 2 of bite marks, tracks; 1 photo"."""
    parts = [_("a carcass found")] if rule.is_carcass_required else []
    if rule.min_signs:
        parts.append(_("{count} of: {signs}").format(count=format_number(rule.min_signs),
                                                     signs=join_list([str(s.title) for s in rule.signs])))
    if rule.min_photos:
        count = rule.min_photos
        parts.append(ngettext("%(num)s photo", "%(num)s photos", count).replace(str(count), format_number(count), 1))
    return "; ".join(parts) if parts else _("nothing in particular")


def programme_year_text(programme) -> str:
    """The programme's year as its page states it: "Solar Hijri calendar (from Nowruz), from month 1; now 1405"."""
    year = year_bounds(programme, utcnow().date())
    return _("{calendar}, from month {month}; now {year} ({start} – {end})").format(
        calendar=programme.year_calendar.title, month=native_digits(str(programme.year_start_month)),
        year=native_digits(year.label), start=format_date(year.start),
        end=format_date(year.end - timedelta(days=1)))


class ClaimListRows:
    """The claim list's rows as HTML, written in Python: the same bytes the template's loop wrote, without Jinja's
    work per value (a call through the context for each date and number, an escape and a join for each piece). What
    is the same on every row of every page in one language (each cell's opening tag with its label, the status
    badges, each stage's overdue badge) is made once per catalog (:meth:`for_reader`); a row then writes only its
    own escaped values. Texts from the catalogs are trusted as the templates' ``_()`` trusts them (not escaped);
    values are escaped as ``{{ }}`` escapes them, and a missing badge is empty as in the template."""

    _kept: dict = {}

    def __init__(self):
        def text(message: str) -> Markup:  # a catalog's text as the templates' _() gives it: trusted, %-formatted
            return Markup(message) % {}  # noqa: S704

        def td(label: str, extra: str = "") -> Markup:
            return Markup('<td data-label="%s"%s>') % (text(label), Markup(extra))  # noqa: S704

        self.claim, self.owner, self.village = td(_("Claim")), td(_("Owner")), td(_("Village"))
        self.date, self.status = td(_("Incident date")), td(_("Status"))
        self.animals = td(_("Animals"), ' class="num"')
        self.badges = {key: Markup('<span class="badge status-%s">%s</span>') % (key, label)
                       for key, label in choices_shown(ClaimState)}
        overdue = text(_("Overdue"))
        self.late = {key: Markup(' <span class="badge flag-danger" title="%s">%s</span>') % (
            Markup(_("%(stage)s due")) % {"stage": label}, overdue)  # noqa: S704
            for key, label in choices_shown(Clock)}

    @classmethod
    def for_reader(cls) -> ClaimListRows:
        catalog = translations()
        kept = cls._kept.get(catalog)
        if kept is None:
            kept = cls._kept[catalog] = cls()
        return kept

    def __call__(self, items, shown, detail_url: str) -> Markup:
        """The rows of ``items`` (the list's light rows), ``shown`` a :class:`PageFormat`, ``detail_url`` the claim
        page's address without the id."""
        url = escape(detail_url)
        badges, late = self.badges, self.late
        out = []
        for c in items:
            out += ("\n  <tr>\n    ", self.claim, '<a class="ltr nowrap" href="', url, escape(c.id), '">',
                    escape(c.number), "</a></td>\n    ", self.owner, "<bdi>", escape(c.owner_name),
                    "</bdi></td>\n    ", self.village, "<bdi>", escape(c.incident_village), "</bdi></td>\n    ",
                    self.date, escape(shown.date(c.incident_date)), "</td>\n    ", self.animals,
                    escape(shown.number(c.head_lost)), "</td>\n    ", self.status, badges.get(c.status, ""),
                    late.get(c.due_clock, "") if c.overdue else "", "</td>\n  </tr>\n  ")
        return Markup("".join(out))  # noqa: S704 - every value above is escaped
