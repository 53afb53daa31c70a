from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Hit


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    """The least a Django view that writes can cost: one INSERT (autocommit), JSON out."""
    hit = Hit._default_manager.create(note=request.headers.get("X-Bench-Note", "")[:64])
    return JsonResponse({"id": hit.pk}, status=201)
