"""Draw every django-fsm state machine into docs/state-machines/ (Graphviz source + SVG).

Labels are drawn in English (the docs' language) whatever LANGUAGE_CODE says.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django_fsm.management.commands.graph_transitions import all_fsm_fields_data, generate_dot

from core.discovery import project_app_names


def state_machines() -> list[str]:
    """`app.Model` of every project model with an FSMField, found rather than listed, so
    core names no domain app and a new app's machines are drawn without a change here."""
    project = set(project_app_names())
    return sorted(
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_config.name in project and all_fsm_fields_data(model)
    )


def dot_source(label: str) -> str:
    app_label, model_name = label.split(".")
    with translation.override("en"):
        return str(generate_dot(all_fsm_fields_data(apps.get_model(app_label, model_name))))


class Command(BaseCommand):
    help = "Write docs/state-machines/<app>.<Model>.dot and .svg for every state machine."

    def handle(self, *args: Any, **options: Any) -> None:
        dot = shutil.which("dot")
        if dot is None:
            raise CommandError("Graphviz's `dot` is missing (Debian package graphviz).")
        folder = Path(settings.BASE_DIR) / "docs" / "state-machines"
        folder.mkdir(parents=True, exist_ok=True)
        for label in state_machines():
            source = folder / f"{label}.dot"
            source.write_text(dot_source(label))
            subprocess.run(  # noqa: S603 - fixed arguments, our own files
                [dot, "-Tsvg", str(source), "-o", str(folder / f"{label}.svg")], check=True
            )
            self.stdout.write(f"drew {label}")
