#!/usr/bin/env bash
# Extract and compile the Simplified Chinese translations: project-wide strings (core,
# base templates) in locale/, each domain app's strings in <app>/locale/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=ecomops.settings.local PYTHONPATH="$PWD"
ignore=(--ignore=.venv --ignore=var --ignore=tests --ignore=bench)
for app in catalog orders fulfilment billing returns; do ignore+=("--ignore=$app"); done
.venv/bin/python manage.py makemessages -l zh_Hans --no-location "${ignore[@]}"
for app in catalog orders fulfilment billing returns; do
  [ -d "$app/locale" ] && (cd "$app" && ../.venv/bin/django-admin makemessages -l zh_Hans --no-location)
done
.venv/bin/python manage.py compilemessages -l zh_Hans --ignore=.venv
