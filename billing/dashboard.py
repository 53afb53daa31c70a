"""Home-page panels of billing (each built in its own module)."""

from .panels_close import daily_close_panel
from .panels_invoices import invoices_due_panel
from .panels_settlement import settlement_panel

PANELS = [invoices_due_panel, daily_close_panel, settlement_panel]
