"""Pages of the fulfilment app; each module brings its `urlpatterns` (fulfilment.urls)."""
