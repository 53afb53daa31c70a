from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path


def detail(request: HttpRequest, pk: int) -> HttpResponse:  # placeholder, replaced by the pages
    return HttpResponse(status=404)


urlpatterns = [path("<int:pk>/", detail, name="detail")]
