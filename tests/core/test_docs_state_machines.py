"""The state-machine pictures in docs/ are drawn from the current code (`make graphs`)."""

from pathlib import Path

import pytest
from django.conf import settings

from core.management.commands.draw_state_machines import dot_source, state_machines

MACHINES = (
    "billing.Invoice",
    "billing.Settlement",
    "returns.Refund",
    "returns.ReturnRequest",
    "catalog.ListingApplication",
    "catalog.Product",
    "fulfilment.DeliveryNote",
    "fulfilment.ReplenishmentRequest",
    "fulfilment.StockTake",
    "orders.Order",
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "state-machines"


def lines(text: str) -> list[str]:
    # graph_transitions emits nodes and edges in set order; compare them as sorted lines.
    return sorted(line.strip() for line in text.splitlines() if line.strip())


@pytest.mark.parametrize("label", MACHINES)
def test_state_machine_picture_is_current(label):
    committed = (DOCS / f"{label}.dot").read_text()
    assert lines(dot_source(label)) == lines(committed), (
        f"run `make graphs` and commit docs/state-machines/{label}.*"
    )
    assert (DOCS / f"{label}.svg").stat().st_mtime > 0


def test_every_state_machine_of_the_project_is_found_and_drawn():
    assert state_machines() == sorted(MACHINES)
    drawn = {path.stem for path in DOCS.glob("*.dot")}
    assert drawn == set(state_machines())
    assert all(label.split(".")[0] in settings.PROJECT_APPS for label in drawn)
