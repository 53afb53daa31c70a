from django.db import models


class Hit(models.Model):
    """One row per floor request."""

    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.note
