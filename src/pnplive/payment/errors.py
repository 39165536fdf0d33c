"""Errors of the payment domain, each with a stable code and HTTP status."""

from __future__ import annotations

from pnplive.errors import Conflict, InvalidInput, NotFound, PnpError


class WebhookRejected(PnpError):
    """A webhook we refuse; nothing was changed."""

    code = "webhook_rejected"
    status = 400


class MissingSignature(WebhookRejected):
    code = "missing_signature"
    status = 401


class InvalidSignature(WebhookRejected):
    code = "invalid_signature"
    status = 401


class StaleWebhook(WebhookRejected):
    code = "stale_webhook"
    status = 401


class MalformedWebhook(WebhookRejected):
    code = "malformed_webhook"
    status = 400


class EventNotReady(Conflict):
    """The event refers to something we do not know yet (it overtook the event that creates it):
    nothing is stored, and the provider's retry applies it later."""

    code = "event_not_ready"


class UnknownProvider(NotFound):
    code = "unknown_provider"


class ProviderNotOffered(InvalidInput):
    code = "provider_not_offered"


class PaymentNotFound(NotFound):
    code = "payment_not_found"


class NotPayable(Conflict):
    code = "booking_not_payable"


class RefundNotFound(NotFound):
    code = "refund_not_found"


class RefundNotAllowed(Conflict):
    code = "refund_not_allowed"


class PayoutNotAllowed(Conflict):
    code = "payout_not_allowed"


class ProviderError(PnpError):
    """A provider call failed; ``retryable`` says whether trying again may help."""

    code = "payment_provider_error"
    status = 502

    def __init__(self, message: str, *, retryable: bool = True, **details: object) -> None:
        super().__init__(message, **details)
        self.retryable = retryable


class RefundUnsupported(ProviderError):
    """The provider cannot refund this through its API: an admin has to do it by hand."""

    code = "refund_unsupported"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message, retryable=False, **details)
