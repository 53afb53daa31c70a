from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from core.auth_views import PortalLoginView
from core.discovery import modules_of, submodule_of

# Error pages in the portal's layout (templates/400.html, 403.html, 404.html); the 500
# handler renders without a request context so that it cannot fail the way the page did.
handler500 = "core.views.server_error"

urlpatterns = [
    path("login/", PortalLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("core.urls")),
]

# Each domain app mounts its pages under its own prefix once it has a urls module
# (core.discovery: a missing module is skipped, a broken one raises).
for module in modules_of([app for app in settings.PROJECT_APPS if app != "core"], "urls"):
    app = module.__name__.split(".")[0]
    urlpatterns.append(path(f"{app}/", include(module)))

if submodule_of("orders", "api") is not None:
    from orders.api import api as intake_api
    from orders.api import api_not_found

    urlpatterns.append(re_path(r"^api/v1/$", api_not_found))  # before ninja's HTML root
    urlpatterns.append(path("api/v1/", intake_api.urls))
    urlpatterns.append(re_path(r"^api/v1/(?P<path>.*)$", api_not_found))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
