from django.utils.translation import gettext_lazy as _

from core.navigation import NavItem

# Each entry carries the permission its page's view gates on (one source of permissions).
NAV_ITEMS = [
    NavItem(_("Delivery-note queue"), "fulfilment:queue", "fulfilment.add_deliverynote", order=30),
    NavItem(_("Delivery notes"), "fulfilment:note-list", "fulfilment.view_deliverynote", order=31),
    NavItem(_("Waves"), "fulfilment:waves", "fulfilment.add_picklist", order=32),
    NavItem(_("Shipments"), "fulfilment:shipment-list", "fulfilment.view_shipment", order=33),
    NavItem(_("Stock"), "fulfilment:stock-list", "fulfilment.view_stocklevel", order=34),
    NavItem(_("Receipts"), "fulfilment:receipt-list", "fulfilment.view_inboundreceipt", order=35),
    NavItem(
        _("Replenishment"),
        "fulfilment:replenishment-list",
        "fulfilment.view_replenishmentrequest",
        order=36,
    ),
    NavItem(_("Stock take"), "fulfilment:stock-take-list", "fulfilment.view_stocktake", order=37),
    NavItem(_("Carriers"), "fulfilment:carrier-list", "fulfilment.add_freightrate", order=39),
    NavItem(
        _("Logistics reports"),
        "fulfilment:logistics-report-list",
        "fulfilment.view_logisticsreport",
        order=38,
    ),
]
