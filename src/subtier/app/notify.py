"""Telling people: invitation e-mails, and webhooks or e-mails when a vendor submits its
disclosure or a finding at or above a hook's severity appears.

Every message is first a delivery row in the workspace; a worker thread sends what is due,
retrying a failure after 30 s, 1 min, 2 min, ... (doubling, at most an hour) until it has tried
``attempts`` times, then marks it failed. Each attempt's result is kept for the buyer to see.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from subtier.app import mail, webhooks
from subtier.app.security import new_token
from subtier.core.disclosure.answers import FormError
from subtier.core.review import Tracked
from subtier.core.severity import Severity
from subtier.errors import InputError
from subtier.store.notify import (
    EMAIL,
    FINDING,
    INVITATION,
    SUBMITTED,
    WEBHOOK,
    Delivery,
    Hook,
    Outbox,
)

log = logging.getLogger("subtier.notify")

LEASE = timedelta(minutes=5)  # longer than any one attempt can take (timeouts of 10 s)
MAX_BACKOFF = 3600.0


@dataclass(frozen=True)
class NotifySettings:
    smtp: mail.SmtpSettings | None = None
    attempts: int = 8  # tries before a delivery is given up as failed
    backoff: float = 30.0  # seconds before the first retry; doubled after each
    public_url: str | None = None  # where the app is reached, for links in notifications
    poll: float = 1.0  # seconds the worker sleeps when nothing is due


def retry_delay(attempts: int, backoff: float) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: backoff, doubled each time."""
    return min(backoff * 2.0 ** max(0, attempts - 1), MAX_BACKOFF)


def wants(hook: Hook, severity: Severity) -> bool:
    """A hook is told of findings at or above its severity."""
    return severity.rank >= Severity(hook.min_severity).rank


class Notifier:
    """Writes deliveries for events, and sends them (from the worker, or at once)."""

    def __init__(
        self, outbox: Outbox, settings: NotifySettings, clock: Callable[[], datetime]
    ) -> None:
        self.outbox = outbox
        self.settings = settings
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # Hooks ------------------------------------------------------------------------------------

    def add_hook(self, target: str, min_severity: str, by: str) -> Hook:
        """A webhook (an http(s) URL, signed with a new secret) or an e-mail address."""
        target = target.strip()
        try:
            severity = Severity(min_severity)
        except ValueError:
            raise FormError({"min_severity": "one of " + ", ".join(Severity)}) from None
        if "@" in target and "://" not in target:
            if not mail.valid_address(target):
                raise FormError({"target": "an e-mail address, e.g. compliance@example.com"})
            if self.settings.smtp is None:
                raise FormError({"target": "no mail server is set up (subtier serve --smtp-host)"})
            ident = self.outbox.add_hook(EMAIL, target, None, severity, by, self.clock())
        else:
            why = webhooks.check_url(target)
            if why is not None or len(target) > 2000:
                raise FormError({"target": why or "a URL of at most 2000 characters"})
            ident = self.outbox.add_hook(WEBHOOK, target, new_token(), severity, by, self.clock())
        return next(h for h in self.outbox.hooks() if h.id == ident)

    # Events -----------------------------------------------------------------------------------

    def check_invitation_address(self, to: str) -> None:
        """Refuse an address an invitation cannot be sent to, before anything is made."""
        if self.settings.smtp is None:
            raise FormError({"email": "no mail server is set up (subtier serve --smtp-host)"})
        if not mail.valid_address(to):
            raise FormError({"email": "an e-mail address, e.g. sales@vendor.example"})

    def send_invitation(
        self, invitation_id: int, chain_key: str, to: str, url: str, buyer: str, supplier: str,
        service: str, due: datetime, expires: datetime,
    ) -> Delivery:  # fmt: skip
        """E-mail an invitation link, trying once now so that the buyer sees whether it went;
        a failure is kept and retried like any delivery."""
        text = (
            f"{buyer} asks {supplier} to disclose who does its work on “{service}”, where, and "
            "for what pay: its subcontractors (or that there are none), its work sites and the "
            "workforce at each, and to sign.\n\n"
            f"Open the disclosure portal with this link (it works once, until "
            f"{expires:%Y-%m-%d %H:%M} UTC):\n\n{url}\n\n"
            f"The signed disclosure is due {due:%Y-%m-%d}.\n"
        )
        subject = f"{buyer} asks {supplier} to disclose its part"
        payload = json.dumps({"to": to, "subject": subject, "text": text})
        ident = self.outbox.enqueue(
            EMAIL, to, INVITATION, subject, payload, self.clock(), chain_key=chain_key,
            invitation_id=invitation_id,
        )  # fmt: skip
        self.run_due(ident)
        found = self.outbox.delivery(ident)
        assert found is not None
        return found

    def submitted(self, chain_key: str, subject: str, body: Mapping[str, Any]) -> None:
        """A vendor signed its disclosure: every hook is told."""
        hooks = self.outbox.hooks()
        for hook in hooks:
            self._enqueue(hook, SUBMITTED, chain_key, subject, {"event": SUBMITTED, **body})
        if hooks:
            self._wake.set()

    def findings(self, chain_key: str, version: int, run_id: int, new: Sequence[Tracked]) -> None:
        """Findings new in a run (not in the chain's run before): each hook is told of those
        at or above its severity, all in one message."""
        hooks = self.outbox.hooks()
        for hook in hooks:
            mine = [f for f in new if wants(hook, f.severity)]
            if not mine:
                continue
            worst = max((f.severity for f in mine), key=lambda s: s.rank)
            subject = (
                f"{chain_key} v{version}: {len(mine)} new finding(s), the worst {worst.value}: "
                f"{mine[0].body.get('summary', '')}"
            )[:500]
            body = {
                "event": FINDING, "chain": chain_key, "version": version, "run": run_id,
                "findings": [{"ref": f.ref, **f.body} for f in mine],
            }  # fmt: skip
            self._enqueue(hook, FINDING, chain_key, subject, body)
        if hooks:
            self._wake.set()

    def _enqueue(
        self, hook: Hook, event: str, chain_key: str, subject: str, body: dict[str, Any]
    ) -> None:
        now = self.clock()
        body = {**body, "at": now.isoformat()}
        if self.settings.public_url:
            body["dashboard"] = f"{self.settings.public_url.rstrip('/')}/chains/{chain_key}"
        if hook.kind == WEBHOOK:
            payload = json.dumps(body, sort_keys=True, ensure_ascii=False)
        else:
            text = subject + "\n\n" + json.dumps(body, indent=2, ensure_ascii=False) + "\n"
            payload = json.dumps(
                {"to": hook.target, "subject": f"[subtier] {subject}", "text": text}
            )
        self.outbox.enqueue(
            hook.kind, hook.target, event, subject, payload, now, chain_key=chain_key,
            hook_id=hook.id,
        )  # fmt: skip

    # Sending ----------------------------------------------------------------------------------

    def run_due(self, ident: int | None = None) -> int:
        """Send what is due now (or only the delivery ``ident``); the number attempted."""
        taken = self.outbox.take(self.clock(), LEASE, ident)
        for delivery in taken:
            self._attempt(delivery)
        return len(taken)

    def _attempt(self, d: Delivery) -> None:
        # An invitation's e-mail holds its one-time link: not kept once it is sent or given up.
        keep = d.event != INVITATION
        try:
            if d.kind == WEBHOOK:
                self._post(d)
            else:
                self._mail(d)
        except Exception as error:  # any failure is the receiver's or the network's: recorded
            attempts = d.attempts + 1
            why = error.args[0] if isinstance(error, webhooks.DeliveryError) else _why(error)
            retry = None
            if attempts < self.settings.attempts and not isinstance(error, _GiveUpError):
                delay = retry_delay(attempts, self.settings.backoff)
                retry = self.clock() + timedelta(seconds=delay)
            self.outbox.failed(d.id, str(why), retry, keep_payload=keep)
            log.warning("delivery %d to %s failed (attempt %d): %s", d.id, d.target, attempts, why)
            return
        self.outbox.delivered(d.id, self.clock(), keep_payload=keep)

    def _post(self, d: Delivery) -> None:
        hook = next((h for h in self.outbox.hooks() if h.id == d.hook_id), None)
        if hook is None or hook.secret is None:
            raise _GiveUpError("the webhook was removed before this was sent")
        body = d.payload.encode("utf-8")
        stamp = int(self.clock().timestamp())
        webhooks.post(
            d.target, body,
            {webhooks.SIGNATURE: webhooks.signature(hook.secret, stamp, body),
             "X-Subtier-Event": d.event, "X-Subtier-Delivery": str(d.id)},
        )  # fmt: skip

    def _mail(self, d: Delivery) -> None:
        smtp = self.settings.smtp
        if smtp is None:
            raise InputError("no mail server is set up (subtier serve --smtp-host)")
        data = json.loads(d.payload)
        mail.send(smtp, mail.message(smtp, data["to"], data["subject"], data["text"]))

    # The worker -------------------------------------------------------------------------------

    def start(self) -> None:
        """Send deliveries in a background thread until stop()."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="subtier-notify", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_due() > 0
            except Exception:  # the database away for a moment: try again on the next round
                log.exception("the notification worker could not read the deliveries")
                busy = False
            if not busy:
                self._wake.wait(self.settings.poll)
                self._wake.clear()


class _GiveUpError(webhooks.DeliveryError):
    """A failure that trying again cannot mend."""


def _why(error: BaseException) -> str:
    if isinstance(error, InputError):
        return error.message
    return mail.describe(error)
