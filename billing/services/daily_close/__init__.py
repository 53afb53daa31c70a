"""The daily close (SPEC §4): on each working day at 08:00, for every business day since a
division's last close, the sales ledger (销售台帐) and the internal reconciliation statement
(《内部对账单》); division finance and HQ finance each mark the day reconciled, or record
discrepancies that hold it open until resolved.

Decisions:
- A business day is every calendar day: a run closes each day from the day after the
  division's last close through yesterday (Beijing), empty days included (a close with
  zero figures says "nothing happened" and moves the last close on). A division's first
  ever close is yesterday. Sundays and holidays have no run; the next run catches them up.
- An order belongs to the Beijing day of its `placed_at`. Cancelled orders are left out
  of every figure; they are counted separately (statement line "cancelled orders") and
  shown, marked, in the ledger.
- `invoiced_amount` is the invoices issued that day (credit notes count negative);
  `shipped_amount` the goods of the orders shipped that day, whenever they were placed.
- All figures are SQL aggregates: three grouped queries per day, whatever the number of
  divisions. The figures are stored at the close; the statement shows them beside the
  figures of now, so a later cancellation or credit note shows as a difference.
- A new discrepancy clears both marks (the day must be checked again by both sides) and
  reopens a reconciled day. One person may not mark both sides.
"""

from .figures import Figures, daily_close_figures, day_bounds, money, orders_of_day
from .ledger import (
    LedgerRow,
    StatementRow,
    reconciliation_rows,
    sales_ledger_orders,
    sales_ledger_row,
    sales_ledger_rows,
)
from .reconcile import (
    DIVISION_SIDE,
    HQ_SIDE,
    RECONCILE_PERMISSION,
    RECORD_PERMISSION,
    RESOLVE_PERMISSION,
    CloseNotPermitted,
    DailyCloseError,
    daily_close_reconcile,
    discrepancy_record,
    discrepancy_resolve,
    open_discrepancy_count,
    reconcile_side,
)
from .run import daily_close_run
from .xlsx import MONEY_FORMAT, XLSX_CONTENT_TYPE, daily_close_xlsx

__all__ = [
    "DIVISION_SIDE",
    "HQ_SIDE",
    "MONEY_FORMAT",
    "RECONCILE_PERMISSION",
    "RECORD_PERMISSION",
    "RESOLVE_PERMISSION",
    "XLSX_CONTENT_TYPE",
    "CloseNotPermitted",
    "DailyCloseError",
    "Figures",
    "LedgerRow",
    "StatementRow",
    "daily_close_figures",
    "daily_close_reconcile",
    "daily_close_run",
    "daily_close_xlsx",
    "day_bounds",
    "discrepancy_record",
    "discrepancy_resolve",
    "money",
    "open_discrepancy_count",
    "orders_of_day",
    "reconcile_side",
    "reconciliation_rows",
    "sales_ledger_orders",
    "sales_ledger_row",
    "sales_ledger_rows",
]
