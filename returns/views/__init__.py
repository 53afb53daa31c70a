"""Pages of the returns app; each module exports its `urlpatterns` (returns/urls.py)."""
