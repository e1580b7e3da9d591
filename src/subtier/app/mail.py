"""E-mail through the SMTP server the buyer configures: invitation links and notifications."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from subtier.errors import InputError


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server: ``subtier serve --smtp-host ...`` or ``SUBTIER_SMTP_*``."""

    host: str
    sender: str  # the From address
    port: int = 25
    starttls: bool = False  # upgrade the connection with STARTTLS before anything is sent
    username: str | None = None
    password: str | None = None  # from SUBTIER_SMTP_PASSWORD only, never a command line
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if not valid_address(self.sender):
            raise InputError(f"--smtp-from: {self.sender!r} is not an e-mail address")
        if not 0 < self.port < 65536:
            raise InputError(f"--smtp-port: {self.port} is not a port number")
        if self.username and not self.password:
            raise InputError("--smtp-user needs a password: set SUBTIER_SMTP_PASSWORD")


def smtp_from_environment(
    host: str | None, port: int | None, sender: str | None, starttls: bool | None,
    username: str | None,
) -> SmtpSettings | None:  # fmt: skip
    """The SMTP settings given, each falling back on its ``SUBTIER_SMTP_*`` variable; None
    when no host is set (then invitations are links to copy, and no e-mail is sent)."""
    host = host or os.environ.get("SUBTIER_SMTP_HOST")
    if not host:
        return None
    sender = sender or os.environ.get("SUBTIER_SMTP_FROM")
    if not sender:
        raise InputError("an SMTP host needs a From address: --smtp-from or SUBTIER_SMTP_FROM")
    port_text = os.environ.get("SUBTIER_SMTP_PORT")
    if port is None and port_text:
        if not port_text.isdigit():
            raise InputError(f"SUBTIER_SMTP_PORT: {port_text!r} is not a port number")
        port = int(port_text)
    if starttls is None:
        flag = os.environ.get("SUBTIER_SMTP_STARTTLS", "")
        starttls = flag.lower() in {"1", "true", "yes", "on"}
    return SmtpSettings(
        host=host, sender=sender, port=port or (587 if starttls else 25), starttls=starttls,
        username=username or os.environ.get("SUBTIER_SMTP_USER"),
        password=os.environ.get("SUBTIER_SMTP_PASSWORD"),
    )  # fmt: skip


def valid_address(text: str) -> bool:
    """A plain address (name@domain.tld), with no display name, spaces or line breaks."""
    _name, address = parseaddr(text)
    if address != text or any(c.isspace() for c in text) or text.count("@") != 1:
        return False
    local, domain = text.split("@")
    return bool(local) and "." in domain.strip(".") and len(text) <= 254


def message(settings: SmtpSettings, to: str, subject: str, text: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = " ".join(subject.split())[:300]  # one line: a header cannot break
    msg["Message-ID"] = make_msgid(domain=settings.sender.split("@")[1])
    msg.set_content(text)
    return msg


def send(settings: SmtpSettings, msg: EmailMessage) -> None:
    """Hand one message to the SMTP server; raises OSError or smtplib.SMTPException."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username and settings.password:
            smtp.login(settings.username, settings.password)
        refused = smtp.send_message(msg)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)


def describe(error: BaseException) -> str:
    """What went wrong, in one line a buyer can act on."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the address: " + "; ".join(
            f"{who} ({code} {_text(reply)})" for who, (code, reply) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"the mail server refused the user name or password ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"the mail server answered {error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, ConnectionRefusedError):
        return "the mail server refused the connection (is it running, on this host and port?)"
    if isinstance(error, TimeoutError):
        return "the mail server did not answer in time"
    return f"{type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
