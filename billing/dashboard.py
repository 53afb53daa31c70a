"""Home-page panels of billing (each built in its own module)."""

from .panels_invoices import invoices_due_panel

PANELS = [invoices_due_panel]
