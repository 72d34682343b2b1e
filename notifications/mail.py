"""Staff e-mail over SMTP: ``MAIL_URL`` = ``smtp://user:password@host:port`` (STARTTLS whenever the server
offers it; ``smtps://`` for TLS from the first byte), sender ``MAIL_FROM``."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from flask import current_app

from notifications.models import OutboxMessage

TIMEOUT = 20


class MailError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


def _connect(url: str) -> smtplib.SMTP:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailError(f"MAIL_URL must be smtp://user:password@host:port, not {parts.scheme}://", permanent=True)
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        server = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=TIMEOUT, context=context)
    else:
        server = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=TIMEOUT)
        server.ehlo()
        if server.has_extn("starttls"):
            server.starttls(context=context)
            server.ehlo()
    if parts.username:
        server.login(unquote(parts.username), unquote(parts.password or ""))
    return server


def send(message: OutboxMessage) -> str:
    """Send one e-mail; the Message-ID is its reference."""
    url = current_app.config.get("MAIL_URL")
    if not url:
        raise MailError("MAIL_URL is not configured")
    mail = EmailMessage()
    mail["From"] = current_app.config.get("MAIL_FROM") or "noreply@localhost"
    mail["To"] = message.address
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(domain="leopard-conflict.local")
    mail.set_content(message.text)
    mail["Content-Language"] = message.language.replace("_", "-")  # after set_content, which clears Content-*
    try:
        with _connect(url) as server:
            server.send_message(mail)
    except smtplib.SMTPRecipientsRefused as error:
        raise MailError(f"refused: {error.recipients}", permanent=True) from error
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error
    return mail["Message-ID"]
