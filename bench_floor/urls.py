"""The portal's URLs plus the floor (ecomops.settings.bench's ROOT_URLCONF)."""

from django.urls import path

from ecomops.urls import urlpatterns as portal_urlpatterns

from .views import floor

urlpatterns = [path("bench/floor", floor, name="bench-floor"), *portal_urlpatterns]
