"""Return and exchange requests through the platform API (SPEC §7), mounted on the intake
API at /api/v1/ by `returns.api_routes` (orders finds it; it names no later app).

`POST /returns` takes multipart/form-data — the form fields and the evidence files — maps
each SKU of `lines` to its order line, reads the files (size, type sniffed by content, the
name's extension agreeing) and calls `return_request_submit` as the calling platform;
every refusal is a 422 naming the field and the rule, in the intake API's shape.
`GET /returns/{id}` shows a request of the calling platform only.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from core.text import has_control_characters
from core.working_calendar import to_local
from orders.api_schemas import ErrorOut
from orders.exceptions import FieldError
from orders.models import Order, OrderLine, Platform
from orders.selectors import order_get_for_platform

from .api_schemas import ReturnConflictOut, ReturnIn, ReturnOut
from .evidence import EvidenceFile, evidence_from_upload
from .exceptions import ReturnConflict, ReturnError
from .models import Refund, ReturnRequest
from .services import RequestInput, approvals_state, return_request_submit, window_end

router = Router(tags=["returns"])

# The services name their inputs by their own words; the API by the form's fields.
FIELD_NAMES = {"reason_text": "text", "order": "platform_order_no", None: "body"}
# Line breaks and tabs in the customer's words become spaces (the request keeps one line of
# text); every other control character is refused by the service.
_SPACES = str.maketrans({"\r": " ", "\n": " ", "\t": " "})


# --- reading the form ---------------------------------------------------------------------------
def _json_lines(text: str) -> list[Any]:
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):
        raise ReturnError(
            _('Send the lines as JSON text: [{"sku": "…", "quantity": 1}].'),
            field="lines",
            rule="json",
        ) from None
    if not isinstance(items, list):
        raise ReturnError(_("The lines are a JSON list."), field="lines", rule="type")
    if not items:
        raise ReturnError(_("Return at least one unit."), field="lines", rule="required")
    return items


def _order_line(order: Order, lines: list[OrderLine], item: Any, *, field: str) -> OrderLine:
    """The order line an item names: by its SKU, and by `line` (position) when the SKU is on
    more than one line of the order."""
    if not isinstance(item, dict):
        raise ReturnError(
            _('Each line is an object {"sku": "…", "quantity": 1}.'), field=field, rule="type"
        )
    sku = item.get("sku")
    if not isinstance(sku, str) or not sku.strip():
        raise ReturnError(_("Give the SKU."), field=f"{field}.sku", rule="required")
    sku = sku.strip()
    candidates = [line for line in lines if line.sku == sku]
    if not candidates:
        raise ReturnError(
            _("SKU %(sku)s is not on order %(order)s.")
            % {"sku": sku[:64], "order": order.platform_order_no},
            field=f"{field}.sku",
            rule="unknown_sku",
        )
    positions = ", ".join(str(line.position) for line in candidates)
    position = item.get("line")
    if position is None and len(candidates) == 1:
        return candidates[0]
    if position is None:
        raise ReturnError(
            _(
                'SKU %(sku)s is on lines %(positions)s of the order; send "line" with the '
                "position of the one returned."
            )
            % {"sku": sku, "positions": positions},
            field=f"{field}.line",
            rule="ambiguous_sku",
        )
    chosen = [
        line
        for line in candidates
        if type(position) is int and line.position == position  # not true, not 2.0, not "2"
    ]
    if not chosen:
        raise ReturnError(
            _("SKU %(sku)s is on line %(positions)s of the order; give one of them.")
            % {"sku": sku, "positions": positions},
            field=f"{field}.line",
            rule="unknown_line",
        )
    return chosen[0]


def _quantity(item: dict[str, Any], *, field: str) -> int:
    quantity = item.get("quantity")
    if type(quantity) is not int or quantity <= 0:  # a JSON integer: not true, 1.0 or "1"
        raise ReturnError(
            _("Enter a whole number of 1 or more."), field=f"{field}.quantity", rule="positive"
        )
    return quantity


def _lines(order: Order, text: str) -> dict[int, int]:
    """order-line pk → quantity, in the request's order so that the service's `lines[i]`
    names the same item (the service checks what may still be returned)."""
    lines = list(order.lines.order_by("position"))
    wanted: dict[int, int] = {}
    for index, item in enumerate(_json_lines(text)):
        field = f"lines[{index}]"
        line = _order_line(order, lines, item, field=field)
        if line.pk in wanted:
            raise ReturnError(
                _("Line %(position)s (%(sku)s) is named twice; send it once.")
                % {"position": line.position, "sku": line.sku},
                field=field,
                rule="duplicate",
            )
        wanted[line.pk] = _quantity(item, field=field)
    return wanted


def _evidence(files: list[UploadedFile]) -> list[EvidenceFile]:
    limit = settings.RETURN_EVIDENCE_MAX_FILES
    if len(files) > limit:  # refused before any file is read
        raise ReturnError(
            _("At most %(count)s evidence files.") % {"count": limit},
            field="evidence",
            rule="max_files",
        )
    return [
        evidence_from_upload(upload, field=f"evidence[{index}]")
        for index, upload in enumerate(files)
    ]


def _request_input(order: Order, payload: ReturnIn, files: list[UploadedFile]) -> RequestInput:
    return RequestInput(
        kind=payload.kind.strip(),
        reason=payload.reason,
        reason_text=payload.text.translate(_SPACES),
        lines=_lines(order, payload.lines),
        evidence=_evidence(files),
        platform_request_no=payload.request_no,
    )


# --- answers ------------------------------------------------------------------------------------
def _invalid(error: ReturnError) -> Status[dict[str, Any]]:
    """422 in the intake API's shape: {detail, errors: [{field, rule, message}]}."""
    field = FIELD_NAMES.get(error.field, error.field) or "body"
    item = FieldError(field, error.rule, str(error))
    return Status(422, {"detail": "The return request is invalid.", "errors": [item.as_dict()]})


def _money(value: Any) -> str:
    return f"{value:.2f}"


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return to_local(moment) if moment is not None else None


def _refund(request: ReturnRequest) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    refund = Refund.objects.filter(request=request).first()
    if refund is None:
        return None, {"required": [], "recorded": [], "missing": []}
    state = approvals_state(refund)
    approvals = {
        "required": state["required"],
        "recorded": [{"role": a["role"], "at": to_local(a["at"])} for a in state["recorded"]],
        "missing": state["missing"],
    }
    out = {
        "number": refund.number,
        "status": refund.status,
        "amount": _money(refund.amount),
        "goods_amount": _money(refund.goods_amount),
        "return_freight": _money(refund.return_freight),
        "approved_at": _local(refund.approved_at),
        "paid_at": _local(refund.paid_at),
    }
    return out, approvals


def _return_out(request: ReturnRequest) -> dict[str, Any]:
    """The request as the platform sees it (staff names are not shown)."""
    order, warehouse = request.order, request.warehouse
    refund, approvals = _refund(request)
    lines = request.lines.select_related("order_line").order_by("order_line__position")
    return {
        "id": request.pk,
        "number": request.number,
        "platform_order_no": order.platform_order_no,
        "order_number": order.number,
        "request_no": request.platform_request_no or None,
        "status": request.status,
        "kind": request.requested_kind,
        "resolution": request.kind or None,
        "reason": request.reason,
        "text": request.reason_text,
        "lines": [
            {
                "line": line.order_line.position,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price),
                "amount": _money(line.amount),
            }
            for line in lines
        ],
        "goods_amount": _money(request.goods_amount),
        "evidence_count": request.evidence.count(),
        "window_ends_at": _local(window_end(order)),
        "return_order_number": request.return_order_number or None,
        "warehouse": {
            "code": warehouse.code,
            "name": warehouse.name,
            "address": warehouse.address,
        },
        "refund": refund,
        "approvals": approvals,
        "requested_at": to_local(request.requested_at),
        "decided_at": _local(request.decided_at),
        "received_at": _local(request.restocked_at),
        "closed_at": _local(request.closed_at),
    }


def return_get_for_platform(*, platform: Platform, key: str) -> ReturnRequest | None:
    """The platform's own request by number (`RR-…`) or id; another platform's is never
    found (the same 404 as an unknown one)."""
    key = (key or "").strip()
    requests = ReturnRequest.objects.select_related("order", "warehouse").filter(platform=platform)
    if key.isascii() and key.isdigit():
        return requests.filter(pk=int(key)).first() if len(key) <= 18 else None
    return requests.filter(number=key.upper()).first()


def _conflict(platform: Platform, request_no: str, error: ReturnConflict) -> Status[Any]:
    existing = ReturnRequest.objects.filter(
        platform=platform, platform_request_no=" ".join(request_no.split())
    ).first()
    item = FieldError("request_no", error.rule, str(error))
    return Status(
        409,
        {
            "detail": "This request id was received with different content.",
            "number": existing.number if existing is not None else None,
            "errors": [item.as_dict()],
        },
    )


# --- endpoints ----------------------------------------------------------------------------------
NOT_FOUND_ORDER = {"detail": "No order with this platform order number."}
NOT_FOUND_RETURN = {"detail": "No return request with this number or id."}


@router.post(
    "/returns",
    response={
        200: ReturnOut,
        201: ReturnOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ReturnConflictOut,
        413: ErrorOut,
        422: ErrorOut,
    },
    summary="Ask for a return or an exchange (multipart: form fields and evidence files)",
)
def create_return(
    request: HttpRequest,
    payload: Form[ReturnIn],
    evidence: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[Any]:
    """201 with the new request; with `request_no`, the same request again → 200 with the
    one received, other content → 409; outside the return window or otherwise invalid →
    422 naming the field and the rule; an unknown order or another platform's → 404.
    Evidence: up to RETURN_EVIDENCE_MAX_FILES JPEG, PNG or WebP photos or PDF documents,
    each at most RETURN_EVIDENCE_MAX_BYTES."""
    platform: Platform = request.auth  # type: ignore[attr-defined]
    if has_control_characters(payload.platform_order_no):
        return _invalid(
            ReturnError(
                _("Remove the control characters from this text."),
                field="platform_order_no",
                rule="control_chars",
            )
        )
    order = order_get_for_platform(platform=platform, platform_order_no=payload.platform_order_no)
    if order is None:
        return Status(404, NOT_FOUND_ORDER)
    try:
        data = _request_input(order, payload, list(evidence or []))
        result, created = return_request_submit(order=order, data=data, platform=platform)
    except ReturnConflict as conflict:
        return _conflict(platform, payload.request_no, conflict)
    except ReturnError as error:
        return _invalid(error)
    result.order = order
    return Status(201 if created else 200, _return_out(result))


@router.get(
    "/returns/{id}",
    response={200: ReturnOut, 401: ErrorOut, 404: ErrorOut},
    summary="A return request: its state, lines, where to send the goods, refund and "
    "approvals still missing",
)
def get_return(request: HttpRequest, id: str) -> Status[Any]:
    """`id`: the request's number (`RR-GQ-2026-000001`) or its numeric id."""
    platform: Platform = request.auth  # type: ignore[attr-defined]
    found = return_get_for_platform(platform=platform, key=id)
    if found is None:
        return Status(404, NOT_FOUND_RETURN)
    return Status(200, _return_out(found))
