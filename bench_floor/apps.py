from django.apps import AppConfig


class BenchFloorConfig(AppConfig):
    name = "bench_floor"
    default_auto_field = "django.db.models.BigAutoField"
