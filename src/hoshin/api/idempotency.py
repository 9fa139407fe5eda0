"""`Idempotency-Key`: a retried write returns the first response instead of writing again.

A response is kept per organization and key for `RETENTION`. The same key
with the same request (method, path, query, content type and body) replays
the stored response with the header `Idempotent-Replayed: true`. The same
key with a different request is a 409 conflict. Only successful responses
are stored: a rejected request wrote nothing and may be retried as is.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from hoshin.api.errors import ApiError
from hoshin.ingest.models import IdempotencyRecord

RETENTION = timezone.timedelta(hours=24)
MAX_KEY_LENGTH = 255


def request_hash(request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", ""), request.content_type or ""):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def idempotent(request, organization, body: bytes, run: Callable[[], tuple[int, dict]]) -> JsonResponse:
    """Run `run` (returning status and payload) once per idempotency key, or replay its stored response."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        status, payload = run()
        return JsonResponse(payload, status=status)
    if not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise ApiError(400, _("The Idempotency-Key header must hold 1 to %(max)d characters.") % {"max": MAX_KEY_LENGTH})

    digest = request_hash(request, body)
    now = timezone.now()
    with transaction.atomic():
        IdempotencyRecord.objects.filter(organization=organization, created_at__lt=now - RETENTION).delete()
        stored = IdempotencyRecord.objects.select_for_update().filter(organization=organization, key=key).first()
        if stored is not None:
            if stored.request_hash != digest:
                raise ApiError(409, _("The Idempotency-Key %(key)s was already used with a different request.")
                               % {"key": key}, code="idempotency_conflict")
            response = JsonResponse(json.loads(stored.response_body), status=stored.status_code)
            response["Idempotent-Replayed"] = "true"
            return response

        status, payload = run()
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    organization=organization, key=key, request_hash=digest, status_code=status,
                    response_body=json.dumps(payload), user=request.auth if getattr(request.auth, "pk", None) else None,
                    created_at=now,
                )
        except IntegrityError as exc:
            # A concurrent request with the same key committed first; undo this one's writes.
            raise ApiError(409, _("A request with the Idempotency-Key %(key)s is already being processed.")
                           % {"key": key}, code="idempotency_conflict") from exc
    return JsonResponse(payload, status=status)
