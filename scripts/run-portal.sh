#!/usr/bin/env bash
# Run the portal: Celery worker with beat inside it, and the web server. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-8000}"
mkdir -p var
.venv/bin/celery -A ecomops worker -B --loglevel=INFO --concurrency=2 \
  --schedule var/celerybeat-schedule --logfile var/celery.log &
worker=$!
trap 'kill $worker 2>/dev/null; wait $worker 2>/dev/null' EXIT INT TERM
cat <<MSG

  ecomops is running at http://127.0.0.1:${port}/   (Celery worker + beat log: var/celery.log)

  Demo logins (password for all: ecomops-demo):
    admin, product_group, division_sales, sales_rep, sales_lead, parts_support, warehouse,
    warehouse_receiver, division_finance, hq_finance, sales_head, ecom_leader, logistics_lead
  Intake API: http://127.0.0.1:${port}/api/v1/docs  (platform "mall", token demo-mall-token)

MSG
.venv/bin/python manage.py runserver "127.0.0.1:${port}"
