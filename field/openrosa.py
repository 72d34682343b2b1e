"""The OpenRosa 1.0 server at /openrosa (DESIGN §10): form list, XForm, manifest with the verifier's cases.csv,
and submissions, for ODK Collect and KoboCollect.

Every answer carries ``X-OpenRosa-Version: 1.0``. Devices authenticate with a field-device credential (HTTP Digest,
or Basic over HTTPS); a browser session never speaks for a device. Wrong credentials count against the same
per-address limit as the sign-in page.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, g, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.exceptions import RequestEntityTooLarge

from conflict_service.auth import field_credentials
from conflict_service.auth.models import Role
from conflict_service.db import db
from conflict_service.errors import DomainError, Forbidden, NotFound
from conflict_service.i18n import LOCALES, format_number, normalise
from conflict_service.security import failed_sign_in_limit
from field import digest, operations, queries, xlsform
from field.enums import SubmissionStatus
from field.instance import XML_MAX_BYTES, BadInstance

bp = Blueprint("openrosa", __name__, url_prefix="/openrosa")
RESPONSE_NS = "http://openrosa.org/http/response"


def _failed_sign_in(response) -> bool:
    return response.status_code == 401 and g.get("field_auth_attempted", False)


failed_sign_in_limit(_failed_sign_in)(bp)


@bp.before_request
def _authenticate():
    g.user = None  # only a field-device credential speaks for a device, never a browser session
    outcome = digest.authenticate()
    if outcome.credential is None:
        g.field_auth_attempted = outcome.attempted
        return _message(401, _("Sign in with your field-device credential."), digest.challenge_headers(outcome.stale))
    if outcome.credential.user.role != Role.VERIFIER:
        return _message(403, _("Only field verifiers send site visits from a field device."))
    g.user, g.field_credential = outcome.credential.user, outcome.credential
    field_credentials.note_use(outcome.credential)
    return None


@bp.after_request
def _openrosa_headers(response: Response) -> Response:
    response.headers["X-OpenRosa-Version"] = "1.0"
    response.headers.setdefault("X-OpenRosa-Accept-Content-Length", str(accept_content_length()))
    response.headers["Cache-Control"] = "no-store"
    if g.get("field_credential") is not None and request.method in ("GET", "HEAD"):
        db.session.commit()  # the device's last-seen time
    return response


def accept_content_length() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"])


def _message(status: int, text: str, headers=None, nature: str = "") -> Response:
    body = (f'<OpenRosaResponse xmlns="{RESPONSE_NS}" items="0"><message nature="{escape(nature)}">'
            f"{escape(str(text))}</message></OpenRosaResponse>")
    return Response(body, status=status, headers=headers or [], content_type="text/xml; charset=utf-8")


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    db.session.rollback()
    text = str(error.message)
    details = _details(error.errors)
    if details:
        text = " ".join([text, *details]) if text != str(DomainError.default_message) else " ".join(details)
    # OpenRosa clients read 400 as "the request was wrong": a refused file or an unreadable form.
    status = 400 if error.status == 422 else error.status
    return _message(status, text, nature="error")


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    return _message(413, _("The upload is larger than the {mb} MB this server accepts in one request.").format(
        mb=accept_content_length() // (1024 * 1024)), nature="error")


def _locale() -> str:
    return normalise(g.user.preferred_language) or "en" if g.get("user") else "en"


def _url(endpoint: str, **values) -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    return base + url_for(endpoint, **values)


def _xml(body: str) -> Response:
    return Response(body, content_type="text/xml; charset=utf-8")


def _form(form_id: str) -> tuple[str, str]:
    if form_id != xlsform.FORM_ID:
        raise NotFound()
    return xlsform.xform(_locale() if _locale() in LOCALES else "en")


# --- forms ---------------------------------------------------------------------------------------------------

@bp.get("/formList")
def form_list():
    wanted = request.args.get("formID")
    items = ""
    if wanted in (None, "", xlsform.FORM_ID):
        xml, version = _form(xlsform.FORM_ID)
        title = xml.split("<h:title>", 1)[1].split("</h:title>", 1)[0]
        items = (f"<xform><formID>{xlsform.FORM_ID}</formID><name>{title}</name><version>{version}</version>"
                 f"<hash>{xlsform.md5_hash(xml)}</hash>"
                 f"<downloadUrl>{escape(_url('openrosa.form_xml', form_id=xlsform.FORM_ID))}</downloadUrl>"
                 f"<manifestUrl>{escape(_url('openrosa.manifest', form_id=xlsform.FORM_ID))}</manifestUrl></xform>")
    return _xml(f'<?xml version="1.0" encoding="UTF-8"?><xforms xmlns="http://openrosa.org/xforms/xformsList">'
                f"{items}</xforms>")


@bp.get("/forms/<form_id>.xml")
def form_xml(form_id: str):
    xml, _version = _form(form_id)
    return _xml(xml)


@bp.get("/forms/<form_id>/manifest")
def manifest(form_id: str):
    _form(form_id)
    cases = queries.cases_csv(g.user)
    url = _url("openrosa.media", form_id=form_id, filename=xlsform.CASES_FILE)
    return _xml('<?xml version="1.0" encoding="UTF-8"?><manifest xmlns="http://openrosa.org/xforms/xformsManifest">'
                f"<mediaFile><filename>{xlsform.CASES_FILE}</filename><hash>{xlsform.md5_hash(cases)}</hash>"
                f"<downloadUrl>{escape(url)}</downloadUrl></mediaFile></manifest>")


@bp.get("/forms/<form_id>/media/<filename>")
def media(form_id: str, filename: str):
    _form(form_id)
    if filename != xlsform.CASES_FILE:
        raise NotFound()
    return Response(queries.cases_csv(g.user), content_type="text/csv; charset=utf-8")


# --- submissions ---------------------------------------------------------------------------------------------

@bp.route("/submission", methods=["HEAD", "POST"])
def submission():
    if request.method == "HEAD":
        return Response(status=204)
    part = request.files.get("xml_submission_file")
    if part is None:
        raise BadInstance(_("The request has no xml_submission_file part."))
    data = part.stream.read(XML_MAX_BYTES + 1)
    uploads = operations.uploads_from(request.files)
    try:
        record, is_new = operations.receive(data, uploads, g.field_credential)
    except Forbidden:
        db.session.commit()  # only the audited refusal: nothing of the record is kept
        raise
    db.session.commit()
    if not is_new:
        return _message(202, ngettext("Already received: %(count)s photo on file for this record.",
                                      "Already received: %(count)s photos on file for this record.", len(record.files),
                                      count=format_number(len(record.files))), nature="submit_success")
    if record.status == SubmissionStatus.APPLIED:
        text = _("Site visit recorded for claim {number}.").format(number=record.claim_ref)
    else:
        text = _("Received. A manager will review it: {reason}").format(reason=record.reason.title)
        text = " ".join([text, *_details(record.reason_detail.get("errors") or {})])
    return _message(201, text, nature="submit_success")


def _details(errors: dict) -> list[str]:
    """What exactly was refused (the evidence a rule asks for, an answer out of range), for the device to show."""
    return [str(m) for messages in errors.values() for m in (messages if isinstance(messages, list) else [messages])]


@bp.errorhandler(BadInstance)
def _bad_instance(error: BadInstance):
    db.session.rollback()
    return _message(400, str(error), nature="error")
