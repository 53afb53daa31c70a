"""The benchmark floor (bench/): a bare Django view that inserts one row, served by the
same gunicorn, settings and database as the intake. Installed and routed only by
ecomops.settings.bench."""
