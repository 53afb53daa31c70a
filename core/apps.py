from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .models import SpecialDay
        from .working_calendar import calendar_changed

        # Cache invalidation only: any edit of the special-day table reloads it everywhere.
        def _changed(**kwargs: object) -> None:
            calendar_changed()

        post_save.connect(_changed, sender=SpecialDay, weak=False, dispatch_uid="calendar-save")
        post_delete.connect(_changed, sender=SpecialDay, weak=False, dispatch_uid="calendar-delete")

        from .roles import seed_calendar_if_empty, sync_roles

        # Runs after every migrate and after a flush; the last app is the trigger so
        # that every app's permissions exist by then.
        post_migrate.connect(sync_roles, dispatch_uid="core-sync-roles")
        post_migrate.connect(seed_calendar_if_empty, sender=self, dispatch_uid="core-calendar")
