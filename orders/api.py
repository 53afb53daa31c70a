"""The platform intake API, mounted at /api/v1/ (SPEC §7); OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from core.discovery import app_modules
from core.working_calendar import to_local

from .api_schemas import ConflictOut, ErrorOut, OrderIn, OrderOut, ReceiptIn
from .exceptions import FieldError, IntakeConflict, IntakeInvalid, OrderError, ReceiptInvalid
from .hooks import order_shipments
from .models import Order, Platform
from .selectors import order_get_for_platform
from .services import BuyerInput, LineInput, OrderInput, ShipToInput, order_receive
from .services.platforms import platform_authenticate
from .services.receipts import order_receipt_record


class PlatformToken(HttpBearer):
    """`Authorization: Bearer <token>`; the request's platform is `request.auth`."""

    def authenticate(self, request: HttpRequest, token: str) -> Platform | None:
        return platform_authenticate(token=token)


api = NinjaAPI(
    title="ecomops intake API",
    version="1",
    description="Orders from the e-commerce platform into ecomops (SPEC §7).",
    urls_namespace="api-v1",
    auth=PlatformToken(),
    # The docs page needs ninja's bundled assets (no CDN); they are served only when
    # "ninja" is an installed app.
    docs_url="/docs" if apps.is_installed("ninja") else None,
)


def _error_response(request: HttpRequest, errors: list[FieldError]) -> HttpResponse:
    body = {"detail": "The request is invalid.", "errors": [e.as_dict() for e in errors]}
    return api.create_response(request, body, status=422)


def _path(location: tuple[Any, ...]) -> str:
    parts = list(location[2:]) if location[:1] == ("body",) else list(location[1:])
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """401 with the challenge RFC 6750 asks for; `invalid_token` when one was sent."""
    challenge = 'Bearer realm="ecomops"'
    if request.headers.get("Authorization"):
        challenge += ', error="invalid_token"'
        detail = "The bearer token is unknown or its platform is inactive."
    else:
        detail = "Send the platform's token: Authorization: Bearer <token>."
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(NinjaValidationError)
def shape_errors(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        FieldError(
            _path(tuple(e.get("loc", ()))), str(e.get("type", "invalid")), str(e.get("msg", ""))
        )
        for e in exc.errors
    ]
    return _error_response(request, errors)


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """413, not Django's HTML 400: the platform learns the limit and that nothing was stored."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    hint = "Send fewer lines per order." if "/orders" in request.path else "Send a smaller body."
    message = f"The body exceeds {limit} bytes; nothing was stored. {hint}"
    error = FieldError("body", "too_large", message)
    return api.create_response(
        request,
        {"detail": "The request body is too large.", "errors": [error.as_dict()]},
        status=413,
    )


@api.exception_handler(TooManyFilesSent)
@api.exception_handler(TooManyFieldsSent)
def body_too_many_parts(
    request: HttpRequest, exc: TooManyFilesSent | TooManyFieldsSent
) -> HttpResponse:
    """A form body (the returns endpoint's multipart) with more files or fields than Django
    parses (DATA_UPLOAD_MAX_NUMBER_FILES / _FIELDS): 413 JSON, not the HTML 400."""
    files = isinstance(exc, TooManyFilesSent)
    limit = (
        settings.DATA_UPLOAD_MAX_NUMBER_FILES if files else settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    )
    what = "files" if files else "fields"
    error = FieldError(
        "body", f"too_many_{what}", f"At most {limit} {what} per request; nothing was stored."
    )
    return api.create_response(
        request,
        {"detail": "The request has too many parts.", "errors": [error.as_dict()]},
        status=413,
    )


@api.exception_handler(MultiPartParserError)
def body_malformed(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    """A multipart body Django cannot read (no boundary, cut short): 400 JSON."""
    error = FieldError("body", "multipart", "The multipart/form-data body cannot be read.")
    return api.create_response(
        request,
        {"detail": "The request body is malformed.", "errors": [error.as_dict()]},
        status=400,
    )


def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any /api/v1/ address without an endpoint: JSON, like every other answer of the API."""
    return JsonResponse({"detail": f"No endpoint at /api/v1/{path[:200]}."}, status=404)


def _order_out(order: Order, *, new: bool = False) -> dict[str, Any]:
    """The order as the API shows it. `new`: created by this request, so it has no
    shipments yet (their look-up is skipped)."""
    tracking = None
    shipments = [
        {**shipment, "shipped_at": to_local(shipment["shipped_at"])}
        for shipment in ([] if new else order_shipments(order))
    ]
    if shipments:
        latest = shipments[-1]
        tracking = {
            "carrier": latest["carrier"],
            "tracking_number": latest["tracking_number"],
            "shipped_at": latest["shipped_at"],
        }
    elif order.shipped_at is not None:
        tracking = {
            "carrier": order.carrier,
            "tracking_number": order.tracking_number,
            "shipped_at": to_local(order.shipped_at),
        }
    return {
        "number": order.number,
        "platform_order_no": order.platform_order_no,
        "status": order.status,
        "placed_at": to_local(order.placed_at),
        "ship_by": order.ship_by,
        "warehouse": order.warehouse.code if order.warehouse else None,
        "due": {step: to_local(due) for step, due in order.due_times().items()},
        "tracking": tracking,
        "shipments": shipments,
        "received_at": to_local(order.delivered_at) if order.delivered_at else None,
    }


def _order_input(payload: OrderIn) -> OrderInput:
    buyer, ship_to = payload.buyer, payload.ship_to
    return OrderInput(
        platform_order_no=payload.platform_order_no,
        placed_at=payload.placed_at,
        division=payload.division,
        buyer=BuyerInput(
            kind=buyer.kind,
            name=buyer.name,
            phone=buyer.phone,
            org_code=buyer.org_code or "",
            id_number=buyer.id_number or "",
            contact_name=buyer.contact_name or "",
        ),
        ship_to=ShipToInput(
            province=ship_to.province,
            city=ship_to.city,
            street=ship_to.street,
            postcode=ship_to.postcode,
            recipient=ship_to.recipient,
            phone=ship_to.phone,
            district=ship_to.district,
        ),
        lines=[
            LineInput(sku=line.sku, quantity=line.quantity, unit_price=line.unit_price)
            for line in payload.lines
        ],
        freight=payload.freight,
        paid=payload.paid,
    )


def _invalid(detail: str, errors: list[FieldError]) -> Status[dict[str, Any]]:
    return Status(422, {"detail": detail, "errors": [e.as_dict() for e in errors]})


NOT_FOUND = {"detail": "No order with this platform order number."}


@api.post(
    "/orders",
    response={
        200: OrderOut,
        201: OrderOut,
        400: ErrorOut,
        401: ErrorOut,
        409: ConflictOut,
        413: ErrorOut,
        422: ErrorOut,
    },
    summary="Create an order (idempotent on platform_order_no)",
    tags=["orders"],
)
def create_order(request: HttpRequest, payload: OrderIn) -> Status[Any]:
    """201 with the new order; the same body again → 200 with the same order; another
    body under the same number → 409; invalid data → 422 naming field and rule."""
    platform: Platform = request.auth  # type: ignore[attr-defined]
    try:
        result = order_receive(platform=platform, data=_order_input(payload))
    except IntakeInvalid as invalid:
        return _invalid("The order is invalid.", invalid.errors)
    except IntakeConflict as conflict:
        detail = "This platform order number was received with different content."
        return Status(409, {"detail": detail, "number": conflict.order.number})
    return Status(201 if result.created else 200, _order_out(result.order, new=result.created))


@api.get(
    "/orders/{platform_order_no}",
    response={200: OrderOut, 401: ErrorOut, 404: ErrorOut},
    tags=["orders"],
    summary="The order's state, ship-by date, warehouse, due times and tracking",
)
def get_order(request: HttpRequest, platform_order_no: str) -> Status[Any]:
    platform: Platform = request.auth  # type: ignore[attr-defined]
    order = order_get_for_platform(platform=platform, platform_order_no=platform_order_no)
    if order is None:
        return Status(404, NOT_FOUND)
    return Status(200, _order_out(order))


@api.post(
    "/orders/{platform_order_no}/receipt",
    response={
        200: OrderOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    tags=["orders"],
    summary="The customer confirmed receipt (idempotent)",
)
def confirm_receipt(
    request: HttpRequest, platform_order_no: str, payload: ReceiptIn | None = None
) -> Status[Any]:
    """200 with the delivered order (also when receipt was already recorded); 409 while
    the order is not shipped; 422 for a bad time."""
    platform: Platform = request.auth  # type: ignore[attr-defined]
    order = order_get_for_platform(platform=platform, platform_order_no=platform_order_no)
    if order is None:
        return Status(404, NOT_FOUND)
    try:
        order = order_receipt_record(
            order=order,
            received_at=payload.received_at if payload is not None else None,
            note=f"platform {platform.code}",
        )
    except ReceiptInvalid as invalid:
        return _invalid("The receipt is invalid.", invalid.errors)
    except OrderError as error:
        return Status(409, {"detail": str(error)})
    return Status(200, _order_out(order))


def _mount_later_apps() -> None:
    """The endpoints of the apps after orders (returns …): every app's `api_routes` module
    that defines a ninja `router` is mounted on this API. Orders imports none of them
    (dependencies point leftwards); a broken module stops the process (core.discovery)."""
    for module in app_modules("api_routes"):
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router("", router)


_mount_later_apps()
