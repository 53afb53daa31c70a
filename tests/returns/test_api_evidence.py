"""Evidence files and oversized bodies through POST /api/v1/returns: the content decides
the type, the name must agree, limits are refused naming the rule, files are stored
privately, and nothing is kept from a refused request."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from returns.models import ReturnEvidence, ReturnRequest
from tests.returns.test_api import errors_of, form, post

pytestmark = pytest.mark.django_db


def image(name: str, fmt: str, size: tuple[int, int] = (16, 16), *, noise: bool = False) -> Any:
    from PIL import Image

    if noise:  # incompressible: the file is about 3 bytes a pixel
        picture = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        picture = Image.new("RGB", size, (20, 120, 200))
    buffer = io.BytesIO()
    picture.save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def pdf(name: str = "发票.pdf") -> Any:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (255, 255, 255)).save(buffer, "PDF")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def api(platform: Any) -> Client:
    from tests.orders.factories import TOKEN

    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_a_photo_and_a_pdf_are_stored_privately(api: Client, delivered: Any) -> None:
    order = delivered()
    photo, document = image("破损.JPG", "JPEG"), pdf()

    response = post(api, form(order, evidence=[photo, document]))

    assert response.status_code == 201
    assert response.json()["evidence_count"] == 2
    stored = list(ReturnEvidence.objects.order_by("pk"))
    assert [(e.original_name, e.content_type) for e in stored] == [
        ("破损.JPG", "image/jpeg"),
        ("发票.pdf", "application/pdf"),
    ]
    private = Path(django_settings.RETURNS_EVIDENCE_ROOT).resolve()
    media = Path(django_settings.MEDIA_ROOT).resolve()
    for evidence, sent in zip(stored, [photo, document], strict=True):
        path = Path(evidence.file.path).resolve()
        assert path.is_relative_to(private) and not path.is_relative_to(media)
        assert path.read_bytes() == sent.file.getvalue()
        assert evidence.size == len(sent.file.getvalue())
        assert evidence.original_name not in path.name  # stored under a random name
    assert stored[0].file.name.endswith(".jpg") and stored[1].file.name.endswith(".pdf")


def test_a_png_and_a_webp_are_accepted(api: Client, delivered: Any) -> None:
    order = delivered()

    response = post(api, form(order, evidence=[image("a.png", "PNG"), image("b.webp", "WEBP")]))

    assert response.status_code == 201
    assert sorted(ReturnEvidence.objects.values_list("content_type", flat=True)) == [
        "image/png",
        "image/webp",
    ]


@pytest.mark.parametrize(
    ("upload", "rule"),
    [
        (SimpleUploadedFile("photo.png", b"just some text, not a picture\n"), "file_type"),
        (SimpleUploadedFile("fake.jpg", b"\xff\xd8\xff\xe0 but not really a JPEG"), "file_type"),
        (SimpleUploadedFile("doc.pdf", b"%PDF-1.4 with no end"), "file_type"),
        (SimpleUploadedFile("page.html", b"<html><script>alert(1)</script>"), "file_type"),
        (SimpleUploadedFile("empty.png", b""), "empty"),
    ],
    ids=["text-named-png", "broken-jpeg", "pdf-without-trailer", "html", "empty"],
)
def test_content_that_is_no_accepted_type_is_refused(
    api: Client, delivered: Any, upload: Any, rule: str
) -> None:
    order = delivered()

    response = post(api, form(order, evidence=[image("ok.png", "PNG"), upload]))

    assert response.status_code == 422
    assert errors_of(response) == {("evidence[1]", rule)}
    assert ReturnRequest.objects.count() == ReturnEvidence.objects.count() == 0


@pytest.mark.parametrize(
    "upload",
    [
        image("photo.pdf", "JPEG"),
        image("photo.png", "JPEG"),
        image("photo", "JPEG"),
        pdf("invoice.jpg"),
    ],
    ids=["jpeg-named-pdf", "jpeg-named-png", "no-extension", "pdf-named-jpg"],
)
def test_a_name_that_disagrees_with_the_content_is_refused(
    api: Client, delivered: Any, upload: Any
) -> None:
    order = delivered()

    response = post(api, form(order, evidence=[upload]))

    assert response.status_code == 422
    assert errors_of(response) == {("evidence[0]", "file_extension")}
    assert ReturnRequest.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(api: Client, delivered: Any, settings: Any) -> None:
    settings.RETURN_EVIDENCE_MAX_BYTES = 4096
    order = delivered()
    big = image("big.png", "PNG", (64, 64), noise=True)
    assert len(big.file.getvalue()) > 4096

    response = post(api, form(order, evidence=[big]))

    assert response.status_code == 422
    assert errors_of(response) == {("evidence[0]", "max_size")}
    assert ReturnRequest.objects.count() == 0


def test_a_file_of_exactly_the_limit_is_accepted(
    api: Client, delivered: Any, settings: Any
) -> None:
    photo = image("edge.png", "PNG", (24, 24), noise=True)
    settings.RETURN_EVIDENCE_MAX_BYTES = len(photo.file.getvalue())
    order = delivered()

    assert post(api, form(order, evidence=[photo])).status_code == 201


def test_one_file_more_than_allowed_is_refused(api: Client, delivered: Any, settings: Any) -> None:
    order = delivered(quantity=2)
    allowed = django_settings.RETURN_EVIDENCE_MAX_FILES

    at_limit = post(api, form(order, evidence=[image(f"{i}.png", "PNG") for i in range(allowed)]))
    over = post(api, form(order, evidence=[image(f"{i}.png", "PNG") for i in range(allowed + 1)]))

    assert at_limit.status_code == 201
    assert over.status_code == 422
    assert errors_of(over) == {("evidence", "max_files")}
    assert ReturnRequest.objects.count() == 1
    assert ReturnEvidence.objects.count() == allowed


def test_more_files_than_django_parses_is_413_json(
    api: Client, delivered: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    order = delivered()

    response = post(api, form(order, evidence=[image(f"{i}.png", "PNG") for i in range(4)]))

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert errors_of(response) == {("body", "too_many_files")}
    assert ReturnRequest.objects.count() == 0


def test_form_fields_over_the_upload_limit_are_413_json(
    api: Client, delivered: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    order = delivered()

    response = post(api, form(order, text="退" * 3000))

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert errors_of(response) == {("body", "too_large")}
    assert ReturnRequest.objects.count() == 0


def test_a_json_body_instead_of_a_form_is_422_naming_the_missing_fields(
    api: Client, delivered: Any
) -> None:
    order = delivered()

    response = api.post("/api/v1/returns", form(order), content_type="application/json")

    assert response.status_code == 422
    assert ("platform_order_no", "missing") in errors_of(response)
    assert ReturnRequest.objects.count() == 0


def test_a_malformed_multipart_body_is_400_json(api: Client, delivered: Any) -> None:
    delivered()

    response = api.generic(
        "POST",
        "/api/v1/returns",
        b'--xyz\r\nContent-Disposition: form-data; name="kind"\r\n\r\nreturn',
        content_type="multipart/form-data; boundary=",
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert ReturnRequest.objects.count() == 0
