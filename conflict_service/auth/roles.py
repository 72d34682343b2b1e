"""Named sets of roles (DESIGN §2), one name per set, shared by every package.

An API operation declares who may call it with ``roles_allowed(*SET)`` and a page with ``login_required(*SET)``;
a package's ``can_<verb>_<noun>`` functions test the same sets. A single role is written as ``Role.X``; a set that
only one package knows lives in that package's ``permissions.py`` (insurance's readers, who sees personal data).
"""

from conflict_service.auth.models import Role

# The case records — programmes, owners, claims, verification, evidence, assessments, measures, dogs, case files:
# everyone who works on cases in their jurisdiction. Administrators run the system, not cases.
RECORD_READERS = (Role.CLERK, Role.VERIFIER, Role.MANAGER, Role.AUDITOR)

# The money and the oversight of a programme — approvals, payment batches, payments, reconciliations, funds,
# retaliation freezes, anomaly flags, reports and exports: managers, who run them, and auditors, who read them.
OVERSEERS = (Role.MANAGER, Role.AUDITOR)

# What is seen on the ground — evidence, inspections of measures, vaccinations of dogs: office clerks and field
# verifiers record it.
FIELD_RECORDERS = (Role.CLERK, Role.VERIFIER)

# A claim's and an owner's paperwork — assigning a verifier, the owner's payout details: office clerks and the
# managers above them.
CASE_HANDLERS = (Role.CLERK, Role.MANAGER)

# The audit trail and its hash chain: auditors and managers of their jurisdictions, and administrators.
AUDIT_READERS = (Role.AUDITOR, Role.MANAGER, Role.ADMIN)
