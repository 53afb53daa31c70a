"""Pages of the billing app; each module brings its `urlpatterns` (billing.urls)."""
