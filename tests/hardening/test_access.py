"""Access control, generated from the app's own URL map (ASVS 8.2): every route × method × role, on an object of the
user's own jurisdiction and on one of a foreign jurisdiction, against the table below. A route added without a line
in the table fails the test, so a new page or operation cannot be forgotten.

The world is the demo data (Iran and Armenia, every kind of object), with one user per role confined to each
country. Requests carry no meaningful input: what is checked is whether the request gets past access control —
401/403/404 or a redirect to the sign-in page is "denied", anything else (200, 302 elsewhere, 409, 422) is
"allowed". Every API operation declares its roles (``roles_allowed``) and is refused before its input is read, and
every page checks its role before reading a form, so a forbidden caller is told 403 whatever the input.

Also checked on every response: no 5xx; every HTML page has a Content-Security-Policy without 'unsafe-inline' that
denies framing; no claim number of the foreign country in anything an Iranian user is
shown; no national ID or phone number in full to a role that may only see them masked (auditors, admins, the
public).
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import current_app

from claims import rule_changes
from claims.enums import AgeClass, Species
from claims.models import Claim, Owner, Programme, RuleChange
from conflict_service.audit.models import AuditEvent
from conflict_service.auth import field_credentials
from conflict_service.auth.models import FieldCredential, Role, User
from conflict_service.auth.operations import issue_token
from conflict_service.db import db
from conflict_service.jurisdictions.models import Jurisdiction
from conflict_service.security import limiter
from conflict_service.timeutil import utcnow
from field.enums import ReviewReason, SubmissionStatus
from field.models import FieldSubmission
from insurance.models import LedgerTransaction, Policy, PremiumPayment, Season
from mitigation.models import GuardianDog, Measure
from notifications.models import OutboxMessage
from oversight.flags.operations import open_claims, refresh
from oversight.models import AnomalyFlag
from payouts.freezes.models import KillCause, RetaliationFreeze
from payouts.freezes.operations import record_freeze
from payouts.models import Payment, PaymentBatch, RateTable, Reconciliation
from payouts.operations import record_rates
from performance.models import Contract, ContractChange, Observation
from tests.factories import Factory
from tests.field.device import instance_xml
from tests.helpers import PASSWORD
from verification.models import EvidenceFile

pytestmark = [pytest.mark.slow, pytest.mark.committing]

ROLES = ("anonymous", "clerk", "verifier", "manager", "auditor", "admin")
LETTER = {"clerk": "c", "verifier": "v", "manager": "m", "auditor": "a", "admin": "d"}

# Who gets past access control, per endpoint and method: letters c(lerk) v(erifier) m(anager) a(uditor) (a)d(min);
# "*" any signed-in user; "public" anyone, signed in or not. Objects of a foreign jurisdiction are refused to all.
EXPECTED: dict[tuple[str, str], str] = {
    ('Audit.AuditEvents', 'GET'): 'mad',
    ('Translations.Sheet', 'GET'): 'd',
    ('Translations.Imports', 'POST'): 'd',
    ('Translations.Changes', 'GET'): 'd',
    ('Audit.ChainVerification', 'GET'): 'mad',
    ('Audit.ChainVerification', 'POST'): 'mad',
    ('Auth.Me', 'GET'): '*',
    ('Auth.MyFieldCredential', 'DELETE'): 'v',
    ('Auth.MyFieldCredentials', 'GET'): 'v',
    ('Auth.MyFieldCredentials', 'POST'): 'v',
    ('Auth.UserFieldCredential', 'DELETE'): 'd',
    ('Auth.UserFieldCredentials', 'GET'): 'd',
    ('Auth.Token', 'DELETE'): '*',
    ('Auth.Token', 'POST'): 'public',
    ('Auth.UserItem', 'PATCH'): 'd',
    ('Auth.Users', 'GET'): 'd',
    ('Auth.Users', 'POST'): 'd',
    ('Bulletin.BulletinPDF', 'GET'): 'ma',
    ('Claim flags.ClaimFlags', 'GET'): 'ma',
    ('Claims.ClaimHistory', 'GET'): 'cvma',
    ('Claims.ClaimItem', 'GET'): 'cvma',
    ('Claims.ClaimItem', 'PATCH'): 'c',
    ('Claims.ClaimWithdraw', 'POST'): 'c',
    ('Claims.Claims', 'GET'): 'cvma',
    ('Claims.Claims', 'POST'): 'c',
    ('Decisions.ClaimAdvance', 'POST'): 'm',
    ('Decisions.ClaimApprove', 'POST'): 'm',
    ('Decisions.ClaimAssessment', 'GET'): 'cvma',
    ('Decisions.ClaimDecisions', 'GET'): 'cvma',
    ('Decisions.ClaimPayments', 'GET'): 'ma',
    ('Decisions.ClaimReject', 'POST'): 'm',
    ('Documents.CaseFile', 'GET'): 'cvma',
    ('Documents.Receipt', 'GET'): 'c',
    ('Dogs.DogItem', 'GET'): 'cvma',
    ('Dogs.DogVaccinations', 'GET'): 'cvma',
    ('Dogs.DogVaccinations', 'POST'): 'cv',
    ('Dogs.Dogs', 'GET'): 'cvma',
    ('Open data.OpenDataExport', 'GET'): 'ma',
    ('Exports.ClaimsExport', 'GET'): 'ma',
    ('Field submissions.SubmissionApply', 'POST'): 'm',
    ('Field submissions.SubmissionDismiss', 'POST'): 'm',
    ('Field submissions.SubmissionItem', 'GET'): 'ma',
    ('Field submissions.Submissions', 'GET'): 'ma',
    ('Flags.FlagDecisionResource', 'POST'): 'm',
    ('Flags.Flags', 'GET'): 'ma',
    ('Freezes.FreezeItem', 'GET'): 'ma',
    ('Freezes.FreezeLift', 'POST'): 'm',
    ('Freezes.Freezes', 'GET'): 'ma',
    ('Freezes.Freezes', 'POST'): 'm',
    ('Jurisdictions.JurisdictionItem', 'GET'): '*',
    ('Jurisdictions.JurisdictionItem', 'PATCH'): 'd',
    ('Jurisdictions.Jurisdictions', 'GET'): '*',
    ('Jurisdictions.Jurisdictions', 'POST'): 'd',
    ('MitigationReports.Effectiveness', 'GET'): 'cvma',
    ('MitigationReports.EffectivenessCsv', 'GET'): 'cvma',
    ('Mitigations.MeasureInspections', 'GET'): 'cvma',
    ('Mitigations.MeasureInspections', 'POST'): 'cv',
    ('Mitigations.MeasureItem', 'GET'): 'cvma',
    ('Mitigations.MeasureItem', 'PATCH'): 'c',
    ('Mitigations.Measures', 'GET'): 'cvma',
    ('Mitigations.Measures', 'POST'): 'c',
    ('Consent.OwnerConsent', 'GET'): 'cvma',
    ('Consent.OwnerConsent', 'PUT'): 'cm',
    ('Mail.MyMail', 'GET'): '*',
    ('Mail.MyMail', 'PUT'): '*',
    ('Outbox.Outbox', 'GET'): 'ma',
    ('Outbox.Previews', 'GET'): 'ma',
    ('Outbox.Resend', 'POST'): 'm',
    ('SMS gateway.Delivery', 'POST'): 'public',
    ('SMS gateway.Inbound', 'POST'): 'public',
    ('Owners.OwnerItem', 'GET'): 'cvma',
    ('Owners.OwnerItem', 'PATCH'): 'c',
    ('Owners.OwnerHerd', 'GET'): 'cvma',
    ('Owners.OwnerHerd', 'POST'): 'c',
    ('Owners.OwnerMerge', 'POST'): 'm',
    ('Owners.Owners', 'GET'): 'cvma',
    ('Owners.Owners', 'POST'): 'c',
    ('Payment batches.BatchApprove', 'POST'): 'm',
    ('Payment batches.BatchCancel', 'POST'): 'm',
    ('Payment batches.BatchFile', 'GET'): 'm',
    ('Payment batches.BatchItem', 'GET'): 'ma',
    ('Payment batches.Batches', 'GET'): 'ma',
    ('Payment batches.Batches', 'POST'): 'm',
    ('Payments.Overdue', 'GET'): 'ma',
    ('Payments.PaymentConfirm', 'POST'): 'm',
    ('Payments.PaymentFail', 'POST'): 'm',
    ('Payments.PaymentItem', 'GET'): 'ma',
    ('Payout details.OwnerPayoutDetails', 'GET'): 'cm',
    ('Payout details.OwnerPayoutDetails', 'PUT'): 'cm',
    ('Policies.Policies', 'GET'): 'cma',
    ('Policies.Policies', 'POST'): 'c',
    ('Policies.PolicyDetail', 'GET'): 'cma',
    ('Policies.PolicyViolation', 'POST'): 'm',
    ('Premium receipts.PremiumReceipt', 'GET'): 'cma',
    ('Premiums.PremiumDetail', 'GET'): 'cma',
    ('Premiums.Premiums', 'GET'): 'cma',
    ('Premiums.Premiums', 'POST'): 'c',
    ('Programmes.ProgrammeItem', 'GET'): 'cvma',
    ('Programmes.ProgrammeItem', 'PATCH'): 'm',
    ('Programmes.ProgrammeRuleChanges', 'GET'): 'ma',
    ('Programmes.ConfirmRuleChange', 'POST'): 'm',
    ('Programmes.RefuseRuleChange', 'POST'): 'm',
    ('Programmes.Programmes', 'GET'): 'cvma',
    ('Programmes.Programmes', 'POST'): 'm',
    ('Public.Transparency', 'GET'): 'public',
    ('Rates.Rates', 'GET'): 'cvma',
    ('Rates.Rates', 'POST'): 'm',
    ('Rates.RatesImport', 'POST'): 'm',
    ('Rates.RatesConfirm', 'POST'): 'm',
    ('Rates.RatesRefuse', 'POST'): 'm',
    ('Reconciliations.ReconciliationItem', 'GET'): 'ma',
    ('Reconciliations.Reconciliations', 'GET'): 'ma',
    ('Reconciliations.Reconciliations', 'POST'): 'm',
    ('Reports.Deadlines', 'GET'): 'ma',
    ('Reports.Liabilities', 'GET'): 'ma',
    ('Reports.Payouts', 'GET'): 'ma',
    ('Performance.Communities', 'POST'): 'm',
    ('Performance.ContractChangeDecision', 'POST'): 'm',
    ('Performance.ContractChanges', 'POST'): 'm',
    ('Performance.ContractConfirm', 'POST'): 'm',
    ('Performance.ContractItem', 'GET'): 'vma',
    ('Performance.Contracts', 'GET'): 'vma',
    ('Performance.Contracts', 'POST'): 'm',
    ('Performance.Imports', 'POST'): 'vm',
    ('Performance.ObservationReview', 'POST'): 'v',
    ('Performance.Observations', 'GET'): 'vma',
    ('Performance.PeriodApprove', 'POST'): 'm',
    ('Performance.PeriodAssessment', 'GET'): 'vma',
    ('Performance.Periods', 'GET'): 'vma',
    ('performance.change_decide', 'POST'): 'm',
    ('performance.change_new', 'GET'): 'm',
    ('performance.change_new', 'POST'): 'm',
    ('performance.community_list', 'GET'): 'vma',
    ('performance.community_new', 'GET'): 'm',
    ('performance.community_new', 'POST'): 'm',
    ('performance.contract_confirm', 'POST'): 'm',
    ('performance.contract_detail', 'GET'): 'vma',
    ('performance.contract_list', 'GET'): 'vma',
    ('performance.contract_new', 'GET'): 'm',
    ('performance.contract_new', 'POST'): 'm',
    ('performance.observation_queue', 'GET'): 'vma',
    ('performance.observation_review', 'POST'): 'v',
    ('performance.package_import', 'POST'): 'vm',
    ('performance.period_approve', 'POST'): 'm',
    ('performance.period_detail', 'GET'): 'vma',
    ('performance.period_statement', 'GET'): 'vma',
    ('Schemes.AwaitingFunds', 'GET'): 'ma',
    ('Schemes.Contributions', 'POST'): 'm',
    ('Schemes.Ledger', 'GET'): 'ma',
    ('Schemes.PremiumRates', 'GET'): 'cma',
    ('Schemes.PremiumRates', 'POST'): 'm',
    ('Schemes.PremiumRatesImport', 'POST'): 'm',
    ('Schemes.Reverse', 'POST'): 'm',
    ('Schemes.Scheme', 'GET'): 'cma',
    ('Schemes.Schemes', 'GET'): 'cma',
    ('Schemes.Seasons', 'GET'): 'cma',
    ('Schemes.Seasons', 'POST'): 'm',
    ('Schemes.SeasonDetail', 'PATCH'): 'm',
    ('Schemes.Statement', 'GET'): 'ma',
    ('Schemes.StatementCsv', 'GET'): 'ma',
    ('Verification.ClaimAppeal', 'POST'): 'c',
    ('Verification.ClaimAssign', 'POST'): 'cm',
    ('Verification.ClaimCarcassDisposal', 'POST'): 'cv',
    ('Verification.ClaimAssignments', 'GET'): 'cvma',
    ('Verification.ClaimEvidence', 'GET'): 'cvma',
    ('Verification.ClaimEvidence', 'POST'): 'cv',
    ('Verification.ClaimVerification', 'GET'): 'cvma',
    ('Verification.ClaimVerification', 'POST'): 'v',
    ('Verification.EvidenceContent', 'GET'): 'cvma',
    ('Verification.EvidenceItem', 'GET'): 'cvma',
    ('Verification.EvidenceThumbnail', 'GET'): 'cvma',
    ('Verification.Worklist', 'GET'): 'v',
    ('admin.field_credential_revoke', 'POST'): 'd',
    ('admin.jurisdictions', 'GET'): 'd',
    ('admin.jurisdictions', 'POST'): 'd',
    ('admin.jurisdiction_edit', 'GET'): 'd',
    ('admin.jurisdiction_edit', 'POST'): 'd',
    ('admin.user_edit', 'GET'): 'd',
    ('admin.user_edit', 'POST'): 'd',
    ('admin.user_new', 'GET'): 'd',
    ('admin.user_new', 'POST'): 'd',
    ('admin.users', 'GET'): 'd',
    ('api-docs.openapi_json', 'GET'): 'public',
    ('api_docs.docs_page', 'GET'): 'public',
    ('audit.index', 'GET'): 'mad',
    ('translation_review.index', 'GET'): 'd',
    ('translation_review.index', 'POST'): 'd',
    ('translation_review.export', 'GET'): 'd',
    ('audit.verify', 'POST'): 'mad',
    ('auth.login', 'GET'): 'public',
    ('auth.login', 'POST'): '-',  # open to all, but empty credentials are refused (401) to everyone
    ('auth.field_credential_new', 'POST'): 'v',
    ('auth.field_credential_revoke', 'POST'): 'v',
    ('auth.logout', 'POST'): '-',  # signs out and sends everyone to the sign-in page
    ('auth.profile', 'GET'): '*',
    ('casefiles.casefile_pdf', 'GET'): 'cvma',
    ('casefiles.premium_receipt_pdf', 'GET'): 'cma',
    ('casefiles.receipt_pdf', 'GET'): 'c',
    ('claims.claim_detail', 'GET'): 'cvma',
    ('claims.claim_edit', 'GET'): 'c',
    ('claims.claim_edit', 'POST'): 'c',
    ('claims.claim_list', 'GET'): 'cvma',
    ('claims.claim_new', 'GET'): 'c',
    ('claims.claim_new', 'POST'): 'c',
    ('claims.claim_withdraw', 'POST'): 'c',
    ('claims.home', 'GET'): '*',
    ('claims.owner_detail', 'GET'): 'cvma',
    ('notifications.consent_form', 'GET'): 'cm',
    ('notifications.consent_form', 'POST'): 'cm',
    ('notifications.outbox_page', 'GET'): 'ma',
    ('notifications.previews_page', 'GET'): 'ma',
    ('notifications.profile_mail', 'POST'): '*',
    ('notifications.resend', 'POST'): 'm',
    ('claims.owner_edit', 'GET'): 'c',
    ('claims.owner_edit', 'POST'): 'c',
    ('claims.owner_merge', 'GET'): 'm',
    ('claims.owner_merge', 'POST'): 'm',
    ('claims.owner_herd_count', 'POST'): 'c',
    ('claims.owner_list', 'GET'): 'cvma',
    ('claims.owner_new', 'GET'): 'c',
    ('claims.owner_new', 'POST'): 'c',
    ('claims.programme_detail', 'GET'): 'ma',
    ('claims.programme_edit', 'GET'): 'm',
    ('claims.programme_edit', 'POST'): 'm',
    ('claims.programme_list', 'GET'): 'ma',
    ('claims.rule_change_decide', 'POST'): 'm',
    ('claims.programme_new', 'GET'): 'm',
    ('claims.programme_new', 'POST'): 'm',
    ('field.detail', 'GET'): 'ma',
    ('field.queue', 'GET'): 'ma',
    ('field.review', 'POST'): 'm',
    ('flags.decide', 'POST'): 'm',
    ('flags.queue', 'GET'): 'ma',
    ('freezes.freeze_detail', 'GET'): 'ma',
    ('freezes.freeze_lift', 'POST'): 'm',
    ('freezes.freeze_list', 'GET'): 'ma',
    ('freezes.freeze_new', 'GET'): 'm',
    ('freezes.freeze_new', 'POST'): 'm',
    ('insurance.contribution_new', 'POST'): 'm',
    ('insurance.ledger', 'GET'): 'ma',
    ('insurance.ledger_reverse', 'POST'): 'm',
    ('insurance_policies.policy_detail', 'GET'): 'cma',
    ('insurance_policies.policy_list', 'GET'): 'cma',
    ('insurance_policies.policy_new', 'GET'): 'c',
    ('insurance_policies.policy_new', 'POST'): 'c',
    ('insurance_policies.premium_new', 'POST'): 'c',
    ('insurance.premium_rates', 'GET'): 'cma',
    ('insurance.premium_rates', 'POST'): 'm',
    ('insurance.premium_rates_sample', 'GET'): 'cma',
    ('insurance.scheme_detail', 'GET'): 'cma',
    ('insurance.schemes', 'GET'): 'cma',
    ('insurance.season_csv', 'GET'): 'ma',
    ('insurance.season_new', 'POST'): 'm',
    ('insurance.season_rename', 'POST'): 'm',
    ('insurance.season_statement', 'GET'): 'ma',
    ('insurance_policies.violation_new', 'POST'): 'm',
    ('mitigation.dog_list', 'GET'): 'cvma',
    ('mitigation.inspection_new', 'POST'): 'cv',
    ('mitigation.measure_detail', 'GET'): 'cvma',
    ('mitigation.measure_edit', 'GET'): 'c',
    ('mitigation.measure_edit', 'POST'): 'c',
    ('mitigation.measure_list', 'GET'): 'cvma',
    ('mitigation.measure_new', 'GET'): 'c',
    ('mitigation.measure_new', 'POST'): 'c',
    ('mitigation.vaccination_new', 'POST'): 'cv',
    ('mitigation_reports.report', 'GET'): 'cvma',
    ('mitigation_reports.report_csv', 'GET'): 'cvma',
    # Field devices authenticate with a Digest credential only: a browser session or a bearer token is refused (401).
    ('openrosa.form_list', 'GET'): '-',
    ('openrosa.form_xml', 'GET'): '-',
    ('openrosa.manifest', 'GET'): '-',
    ('openrosa.media', 'GET'): '-',
    ('openrosa.submission', 'POST'): '-',
    ('payments.batch_approve', 'POST'): 'm',
    ('payments.batch_cancel', 'POST'): 'm',
    ('payments.batch_detail', 'GET'): 'ma',
    ('payments.batch_file', 'GET'): 'm',
    ('payments.batch_list', 'GET'): 'ma',
    ('payments.batch_new', 'GET'): 'm',
    ('payments.batch_new', 'POST'): 'm',
    ('payments.payment_confirm', 'POST'): 'm',
    ('payments.payment_fail', 'POST'): 'm',
    ('payments.reconciliation_detail', 'GET'): 'ma',
    ('payments.reconciliation_list', 'GET'): 'ma',
    ('payments.reconciliation_list', 'POST'): 'm',
    ('payments.reconciliation_sample', 'GET'): 'ma',
    ('payouts.approvals', 'GET'): 'ma',
    ('payouts.claim_advance', 'POST'): 'm',
    ('payouts.claim_approve', 'POST'): 'm',
    ('payouts.claim_reject', 'POST'): 'm',
    ('payouts.payout_details', 'GET'): 'cm',
    ('payouts.payout_details', 'POST'): 'cm',
    ('payouts.rates', 'GET'): 'ma',
    ('payouts.rates', 'POST'): 'm',
    ('payouts.rates_sample', 'GET'): 'ma',
    ('payouts.rates_decide', 'POST'): 'm',
    ('public.export_download', 'GET'): 'ma',
    ('public.exports_page', 'GET'): 'ma',
    ('bulletin.download', 'GET'): 'ma',
    ('bulletin.page', 'GET'): 'ma',
    ('opendata.export_download', 'GET'): 'ma',
    ('opendata.export_page', 'GET'): 'ma',
    ('opendata.public_download', 'GET'): 'public',
    ('opendata.public_page', 'GET'): 'public',
    ('public.status', 'GET'): 'public',
    ('public.status', 'POST'): 'public',
    ('public.status_lookup', 'GET'): 'public',
    ('public.status_lookup', 'POST'): 'public',
    ('public.status_slash', 'GET'): 'public',
    ('reports.dashboard_page', 'GET'): 'ma',
    ('reports.deadlines_csv', 'GET'): 'ma',
    ('reports.deadlines_page', 'GET'): 'ma',
    ('reports.liabilities_csv', 'GET'): 'ma',
    ('reports.liabilities_page', 'GET'): 'ma',
    ('reports.payouts_csv', 'GET'): 'ma',
    ('reports.payouts_page', 'GET'): 'ma',
    ('reports.transparency_page', 'GET'): 'public',
    ('verification.appeal', 'GET'): 'c',
    ('verification.appeal', 'POST'): 'c',
    ('verification.assign', 'GET'): 'cm',
    ('verification.assign', 'POST'): 'cm',
    ('verification.carcass_disposal', 'GET'): 'cv',
    ('verification.carcass_disposal', 'POST'): 'cv',
    ('verification.evidence_file', 'GET'): 'cvma',
    ('verification.evidence_thumbnail', 'GET'): 'cvma',
    ('verification.evidence_upload', 'GET'): 'c',
    ('verification.evidence_upload', 'POST'): 'c',
    ('verification.visit', 'GET'): 'v',
    ('verification.visit', 'POST'): 'v',
    ('verification.worklist', 'GET'): 'v',
    ('web.health', 'GET'): 'public',
    ('web.typed_date', 'GET'): '*',
    ('web.set_language', 'POST'): 'public',
}

# Endpoints whose URL names no object of a jurisdiction (lists, forms for a new object, the user's own session).
UNSCOPED_PARAMS = {"fmt", "part", "filename", "form_id", "decision"}
NOT_EXERCISED = {"static"}  # files of the service itself, not data
LAST = {("auth.logout", "POST"), ("Auth.Token", "DELETE")}  # they end the session; run them after the rest
MISSING_ID = 987654321
FOREIGN_CLAIM = re.compile(r"AM-[A-Z]{2,4}-\d{4}-\d{6}")


def routes(app):
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_EXERCISED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    return sorted(found, key=lambda rm: ((rm[0].endpoint, rm[1]) in LAST, rm[0].rule, rm[1]))


def get(model, ident):
    return db.session.get(model, ident)


def country_of(jurisdiction_id: int) -> str:
    return db.session.get(Jurisdiction, jurisdiction_id).country_code


class World:
    """Object ids per country, found in the demo data, for filling in a route's parameters."""

    def __init__(self):
        self.ids: dict[str, dict[str, dict]] = {"IR": {}, "AM": {}}
        for cc in self.ids:
            self.ids[cc] = self._find(cc)

    @staticmethod
    def _first(query, cc, country):
        for obj in db.session.scalars(query):
            if country(obj) == cc:
                return obj
        return None

    def _find(self, cc):
        s = {}

        def first(model, order, country):
            return self._first(sa.select(model).order_by(order), cc, country)

        def office_of_claim(claim_id):
            return country_of(get(Claim, claim_id).office_id)

        def of_programme(programme_id):
            return country_of(get(Programme, programme_id).jurisdiction_id)

        evidence = self._first(sa.select(EvidenceFile).where(EvidenceFile.has_thumbnail.is_(True))
                               .order_by(EvidenceFile.id), cc, lambda e: office_of_claim(e.claim_id))
        claim = get(Claim, evidence.claim_id) if evidence else first(Claim, Claim.id, lambda c: country_of(c.office_id))
        s["claim"] = {"claim_id": claim.id, "number": claim.number}
        if evidence:
            s["evidence"] = {"claim_id": evidence.claim_id, "evidence_id": evidence.id}
        owner = first(Owner, Owner.id, lambda o: country_of(o.office_id))
        s["owner"] = {"owner_id": owner.id}
        s["programme"] = {"programme_id": first(Programme, Programme.id, lambda p: of_programme(p.id)).id}
        change = first(RuleChange, RuleChange.id, lambda c: of_programme(c.programme_id))
        s["rule_change"] = {"programme_id": change.programme_id, "change_id": change.id}
        table = first(RateTable, RateTable.id, lambda t: of_programme(t.programme_id) if t.is_pending else None)
        s["rate_version"] = {"programme_id": table.programme_id, "version": table.version}
        found = {
            "measure": first(Measure, Measure.id, lambda m: country_of(get(Owner, m.owner_id).office_id)),
            "dog": first(GuardianDog, GuardianDog.measure_id,
                         lambda d: country_of(get(Owner, get(Measure, d.measure_id).owner_id).office_id)),
            "batch": first(PaymentBatch, PaymentBatch.id, lambda b: of_programme(b.programme_id)),
            "payment": first(Payment, Payment.id, lambda p: office_of_claim(p.claim_id)),
            "reconciliation": first(Reconciliation, Reconciliation.id,
                                    lambda r: country_of(r.office_ids[0]) if r.office_ids else None),
            "policy": first(Policy, Policy.id, lambda p: country_of(p.office_id)),
            "premium": first(PremiumPayment, PremiumPayment.id,
                             lambda p: country_of(get(Policy, p.policy_id).office_id)),
        }
        names = {"measure": "measure_id", "dog": "dog_id", "batch": "batch_id", "payment": "payment_id",
                 "reconciliation": "reconciliation_id", "policy": "policy_id", "premium": "payment_id"}
        for kind, obj in found.items():
            if obj is not None:
                s[kind] = {names[kind]: obj.measure_id if kind == "dog" else obj.id}
        if found["dog"] is not None:
            s["dog_measure"] = {"measure_id": found["dog"].measure_id}
        season = first(Season, Season.id, lambda x: of_programme(x.programme_id))
        if season:
            s["season"] = {"season_id": season.id, "scheme_id": season.programme_id}
            s["scheme"] = {"scheme_id": season.programme_id}
            posting = db.session.scalar(sa.select(LedgerTransaction).where(
                LedgerTransaction.fund_id == season.programme_id).order_by(LedgerTransaction.seq.desc()))
            if posting:
                s["posting"] = {"scheme_id": season.programme_id, "seq": posting.seq}
        flag = first(AnomalyFlag, AnomalyFlag.id, lambda f: office_of_claim(f.claim_id))
        if flag:
            s["flag"] = {"flag_id": flag.id}
        freeze = first(RetaliationFreeze, RetaliationFreeze.id, lambda f: of_programme(f.programme_id))
        if freeze:
            s["freeze"] = {"freeze_id": freeze.id}
        contract = first(Contract, Contract.id, lambda c: of_programme(c.community.programme_id))
        if contract:
            s["contract"] = {"contract_id": contract.id}
            s["period"] = {"period_id": contract.periods[-1].id}
            change = db.session.scalar(sa.select(ContractChange).where(ContractChange.contract_id == contract.id))
            if change:
                s["contract_change"] = {"contract_id": contract.id, "change_id": change.id}
        observation = first(Observation, Observation.id,
                            lambda o: of_programme(o.deployment.camera_import.programme_id))
        if observation:
            s["observation"] = {"observation_id": observation.id}
        country = db.session.scalar(sa.select(Jurisdiction).where(Jurisdiction.code == cc))
        s["jurisdiction"] = {"jurisdiction_id": country.id}
        user = db.session.scalar(sa.select(User).where(User.username == f"acc_clerk_{cc.lower()}"))
        s["user"] = {"user_id": user.id}
        credential = db.session.scalar(sa.select(FieldCredential).join(FieldCredential.user).where(
            User.username == f"acc_verifier_{cc.lower()}"))
        s["credential"] = {"user_id": credential.user_id, "credential_id": credential.id}
        submission = first(FieldSubmission, FieldSubmission.id, lambda f: office_of_claim(f.claim_id))
        s["field_submission"] = {"submission_id": submission.id}
        message = first(OutboxMessage, OutboxMessage.id, lambda m: country_of(m.office_id))
        if message is not None:
            s["message"] = {"message_id": message.id}
        return s

    def params(self, rule, cc) -> dict | None:
        """Values for the rule's parameters naming objects of country ``cc`` (None: the country has none)."""
        names = set(rule.arguments) - UNSCOPED_PARAMS
        extra = {"fmt": "csv", "part": "statement", "form_id": "site_visit", "filename": "cases.csv",
                 "decision": "refuse"}
        if not names:
            return {k: v for k, v in extra.items() if k in rule.arguments}
        kinds = self.ids[cc]
        if "evidence_id" in names:
            kind = "evidence"
        elif "change_id" in names and "contract_id" in names:
            kind = "contract_change"
        elif "change_id" in names:
            kind = "rule_change"
        elif "version" in names:
            kind = "rate_version"
        elif "credential_id" in names:
            kind = "credential"
        elif "seq" in names:
            kind = "posting"
        elif "season_id" in names:
            kind = "season"
        elif "measure_id" in names and "vaccination" in rule.rule:
            kind = "dog_measure"
        elif "payment_id" in names:
            kind = "premium" if "premium" in rule.rule else "payment"
        else:
            (name,) = names
            kind = {"claim_id": "claim", "number": "claim", "owner_id": "owner", "programme_id": "programme",
                    "measure_id": "measure", "dog_id": "dog", "batch_id": "batch", "scheme_id": "scheme",
                    "reconciliation_id": "reconciliation", "policy_id": "policy", "jurisdiction_id": "jurisdiction",
                    "user_id": "user", "flag_id": "flag", "freeze_id": "freeze",
                    "submission_id": "field_submission", "message_id": "message", "contract_id": "contract",
                    "period_id": "period", "observation_id": "observation"}[name]
        found = kinds.get(kind)
        if found is None:
            return None
        values = {k: v for k, v in found.items() if k in rule.arguments}
        values.update({k: v for k, v in extra.items() if k in rule.arguments})
        return values


def build_world(app):
    with app.app_context():
        context: dict = {"seed": 7}
        for step in current_app.extensions["demo_steps"]:
            step(context)
            db.session.flush()
        make = Factory()
        for cc in ("IR", "AM"):
            country = db.session.scalar(sa.select(Jurisdiction).where(Jurisdiction.code == cc))
            region = db.session.scalar(sa.select(Jurisdiction).where(Jurisdiction.parent_id == country.id))
            office = db.session.scalar(sa.select(Jurisdiction).where(Jurisdiction.parent_id == region.id))
            where = {"clerk": office, "verifier": region}
            users = {role: make.user(Role(role), where.get(role, country), username=f"acc_{role}_{cc.lower()}")
                     for role in ROLES[1:]}
            for programme in db.session.scalars(sa.select(Programme).where(Programme.jurisdiction_id == country.id)):
                # A retaliation freeze in each programme (the demo records none), for its pages to be tried on.
                programme.retaliation_freeze_days = 30
                record_freeze({"programme_id": programme.id, "cause": KillCause.POISONED,
                               "killed_on": utcnow().date() - timedelta(days=3), "jurisdiction_id": office.id,
                               "note": TYPED[cc]["freeze"]}, users["manager"])
            for programme in db.session.scalars(sa.select(Programme).where(Programme.jurisdiction_id == country.id)):
                # A change of the money rules waiting for a second manager, proposed by the demo's manager.
                rule_changes.propose(programme, {"advance_pct": Decimal(5)},
                                     context["users"][f"manager_{cc.lower()}"])
                record_rates(programme, {"entries": [{"species": Species.SHEEP, "age_class": AgeClass.ADULT,
                                                      "amount": Decimal(1000), "valid_from": utcnow().date()}]},
                             context["users"][f"manager_{cc.lower()}"])  # a version waiting for a second manager
            field_credentials.create(users["verifier"], {"label": TYPED[cc]["device"]}, users["verifier"])
            field_record(users["verifier"], office, TYPED[cc]["notes"])
        refresh(open_claims())  # the anomaly flags of the demo claims
        db.session.commit()
        world = World()
        secrets = sorted({v for o in db.session.scalars(sa.select(Owner)) for v in (o.national_id, o.phone)
                          if v and len(v) >= 6})
        return world, secrets


# What each country's office types, in its language, like the demo data (issue 20: no English in a Persian office).
TYPED = {
    "IR": {"freeze": "لاشهٔ مسموم کنار آبشخور", "device": "گوشی کارشناس درگز",
           "notes": "جای دندان روی گلو؛ ردّ کشیدن لاشه تا صخره‌ها."},
    "AM": {"freeze": "Թունավորված դիակ ջրի մոտ", "device": "Գորիսի տեսուչի հեռախոս",
           "notes": "Ատամների հետքեր կոկորդին, դիակը քարշ է տրվել դեպի ժայռերը։"},
}


def field_record(verifier, office, notes: str) -> None:
    """A field record waiting for review, about a claim of the office (the demo sends none)."""
    claim = db.session.scalar(sa.select(Claim).where(Claim.office_id == office.id).order_by(Claim.id))
    # As ODK Collect writes them: a verifier's notes in the office's language, a random instance ID.
    xml = instance_xml(claim.number, notes=notes).decode()
    db.session.add(FieldSubmission(instance_id=f"uuid:{uuid.uuid4()}", user_id=verifier.id, claim_ref=claim.number,
                                   claim_id=claim.id, xml=xml, xml_sha256="0" * 64,
                                   status=SubmissionStatus.NEEDS_REVIEW, reason=ReviewReason.REASSIGNED))


def outcome(response, api: bool) -> str:
    if response.status_code in (401, 403, 404):
        return "n"
    if not api and response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return "n"
    return "y"


def session_for(app, role: str, cc: str):
    """A browser-like client signed in as the role's user of country ``cc``, and bearer headers for the API."""
    client = app.test_client()
    limiter.reset()
    if role == "anonymous":
        return client, {}
    username = f"acc_{role}_{cc.lower()}"
    with app.test_request_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        token, _ = issue_token(user)
        db.session.commit()
    page = client.post("/login", data={"username": username, "password": PASSWORD})
    assert page.status_code in (302, 303), f"cannot sign in {username}: {page.get_data(as_text=True)[-600:]}"
    return client, {"Authorization": f"Bearer {token}"}


def request(client, headers, rule, method, values):
    limiter.reset()  # rate limits are tested on their own; here every request must reach access control
    path = rule.build(values, append_unknown=False)[1]
    api = path.startswith("/api/")
    kwargs = {"headers": headers if api else {}}
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        kwargs["json" if api else "data"] = {}
    return client.open(path, method=method, **kwargs), api, path


def test_every_route_admits_exactly_the_roles_of_the_table(app):
    missing = [(r.endpoint, m) for r, m in routes(app) if (r.endpoint, m) not in EXPECTED]
    stale = [k for k in EXPECTED if k not in {(r.endpoint, m) for r, m in routes(app)}]
    if not os.environ.get("ACCESS_TABLE_PRINT"):
        assert not missing, f"routes without a line in EXPECTED: {missing}"
        assert not stale, f"lines in EXPECTED for routes that no longer exist: {stale}"
    world, secrets = build_world(app)
    app.config["WTF_CSRF_ENABLED"] = False  # what is checked here is access, not the form token (tested elsewhere)
    problems = []
    try:
        for role in ROLES:
            problems += check_role(app, world, secrets, role)
        problems += check_admin_scope(app) + check_audit_scope(app)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def check_admin_scope(app) -> list[str]:
    """An administrator of one country sees, and creates under, only that country's tree, and only its users."""
    problems = []
    client, headers = session_for(app, "admin", "IR")
    codes = {j["code"] for j in client.get("/api/v1/jurisdictions", headers=headers).get_json()}
    if any(code.startswith("AM") for code in codes):
        problems.append("admin of IR: GET /api/v1/jurisdictions lists Armenian jurisdictions")
    for path in ("/admin/jurisdictions", "/admin/users", "/admin/users/new"):
        if re.search(r"\bAM-[A-Z]|acc_[a-z]+_am\b", client.get(path).get_data(as_text=True)):
            problems.append(f"admin of IR: {path} shows Armenian jurisdictions or users")
    if any(u["username"].endswith("_am") for u in client.get("/api/v1/users", headers=headers).get_json()):
        problems.append("admin of IR: GET /api/v1/users lists Armenian users")
    with app.app_context():
        am_region = db.session.scalar(sa.select(Jurisdiction.id).where(Jurisdiction.code.like("AM-%"),
                                                                         Jurisdiction.level == "region"))
    created = client.post("/api/v1/jurisdictions", headers=headers,
                          json={"short_code": "XOFF", "name": "Foreign office", "parent_id": am_region})
    if created.status_code != 422:
        problems.append(f"admin of IR: an office under an Armenian region answered {created.status_code}")
    return problems


def check_audit_scope(app) -> list[str]:
    """Every event a person caused has its jurisdiction; an auditor reads their country's (batches, measures,
    users...), and an administrator or auditor of the other country none of them."""
    problems = []
    with app.app_context():
        # Only the command line's work over every jurisdiction (no actor: an open-data export of all) is unscoped.
        unscoped = sorted(set(db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.scope_id.is_(None), AuditEvent.actor_id.is_not(None)))))
        ir = set(db.session.scalars(sa.select(Jurisdiction.id).where(Jurisdiction.country_code == "IR")))
        ir_seqs = set(db.session.scalars(sa.select(AuditEvent.seq).where(AuditEvent.scope_id.in_(ir))))
    if unscoped:
        problems.append(f"audit events without a jurisdiction: {unscoped}")
    for role in ("auditor", "admin"):
        client, headers = session_for(app, role, "AM")
        for kind in ("payment_batch", "measure", "reconciliation", "user", "claim"):
            items = client.get(f"/api/v1/audit?entity_type={kind}&per_page=200", headers=headers).get_json()["items"]
            if {e["seq"] for e in items} & ir_seqs:
                problems.append(f"{role} of AM reads Iranian {kind} events")
    client, headers = session_for(app, "auditor", "IR")
    for kind in ("payment_batch", "measure", "reconciliation", "user"):
        if not client.get(f"/api/v1/audit?entity_type={kind}", headers=headers).get_json()["items"]:
            problems.append(f"auditor of IR reads no {kind} events of their country")
    return problems


def check_role(app, world, secrets, role) -> list[str]:
    observed, problems = {}, []
    clients = {cc: session_for(app, role, cc) for cc in ("IR", "AM")}
    for rule, method in routes(app):
        key = (rule.endpoint, method)
        expected = EXPECTED.get(key, "?")
        allowed = expected == "public" or (role != "anonymous" and (expected == "*" or LETTER[role] in expected))
        own_cc = "IR" if world.params(rule, "IR") is not None else "AM"
        own = world.params(rule, own_cc)
        if own is None:
            problems.append(f"{key}: no object in the demo data to try it on")
            continue
        client, headers = clients[own_cc]
        response, api, path = request(client, headers, rule, method, own)
        got = outcome(response, api)
        observed[key] = got
        if response.status_code >= 500:
            problems.append(f"{role} {method} {path}: {response.status_code}")
        if got != ("y" if allowed else "n"):
            wanted = "allowed" if allowed else "denied"
            problems.append(f"{role} {method} {path}: {response.status_code}, expected {wanted}")
        policy = response.headers.get("Content-Security-Policy", "")
        if response.mimetype == "text/html" and ("unsafe-inline" in policy or "frame-ancestors 'none'" not in policy):
            problems.append(f"{role} {method} {path}: Content-Security-Policy is {policy!r}")
        readable = response.mimetype.startswith(("text/", "application/json", "application/geo"))
        text = response.get_data(as_text=True) if readable else ""
        if own_cc == "IR" and role != "anonymous" and FOREIGN_CLAIM.search(text):
            problems.append(f"{role} {method} {path}: shows a claim number of another country")
        if role in ("anonymous", "auditor", "admin"):
            leaked = [s for s in secrets if s in text]
            if leaked:
                problems.append(f"{role} {method} {path}: shows personal data in full ({leaked[0][:3]}…)")
        scoped = bool(set(rule.arguments) - UNSCOPED_PARAMS) and expected != "public"
        foreign_cc = "AM" if own_cc == "IR" else "IR"
        foreign = world.params(rule, own_cc)
        if scoped and role != "anonymous" and foreign is not None:
            other_client, other_headers = clients[foreign_cc]
            response, api, path = request(other_client, other_headers, rule, method, foreign)
            if outcome(response, api) == "n" and response.status_code < 500:
                continue
            # An unsafe request may be refused for its (here empty) input before the object is looked up; that is
            # fine only when the answer is exactly the one for an object that does not exist, revealing nothing.
            missing = {k: (MISSING_ID if isinstance(v, int) else "XX-NONE-0000-000000") for k, v in foreign.items()
                       if k not in UNSCOPED_PARAMS}
            absent, _api, _path = request(other_client, other_headers, rule, method, {**foreign, **missing})
            same = response.status_code == absent.status_code and (
                not api or (response.get_json() or {}).get("errors") == (absent.get_json() or {}).get("errors"))
            if method == "GET" or not same or response.status_code >= 500:
                problems.append(f"{role} of {foreign_cc} {method} {path}: {response.status_code} on an object of "
                                f"{own_cc}, expected denied")
    if os.environ.get("ACCESS_TABLE_PRINT"):
        with open(os.environ["ACCESS_TABLE_PRINT"], "a") as out:
            for key, got in observed.items():
                out.write(f"{role}\t{key[0]}\t{key[1]}\t{got}\n")
    return problems
