"""Evidence files (issue 11 item 1): size and type limits, the content checked rather than
the name, decompression bombs refused without decoding them, names cleaned, stored
privately under a random name."""

from __future__ import annotations

import io
import random
import struct
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from returns.evidence import evidence_from_upload, evidence_read
from returns.exceptions import ReturnError


def image_bytes(fmt: str, size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.png", image_bytes("PNG"), "image/png"),
        ("photo.JPG", image_bytes("JPEG"), "image/jpeg"),
        ("photo.jpeg", image_bytes("JPEG"), "image/jpeg"),
        ("photo.webp", image_bytes("WEBP"), "image/webp"),
        ("快递单.pdf", PDF, "application/pdf"),
    ],
)
def test_real_photos_and_documents_are_accepted(
    name: str, content: bytes, content_type: str
) -> None:
    evidence = evidence_read(name=name, content=content)

    assert evidence.content_type == content_type
    assert evidence.name == name and evidence.content == content
    assert len(evidence.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("photo.png", b"just some text, honestly a photo", "file_type"),
        ("photo.pdf", image_bytes("JPEG"), "file_extension"),
        ("photo.png", image_bytes("JPEG"), "file_extension"),
        ("photo", image_bytes("PNG"), "file_extension"),
        ("notes.pdf", b"%PDF-1.4\nno end of file marker", "file_type"),
        ("photo.png", image_bytes("PNG")[:60], "file_type"),  # truncated
        ("photo.gif", b"GIF89a" + b"\x00" * 40, "file_type"),
        ("empty.png", b"", "empty"),
    ],
    ids=[
        "text-as-png",
        "jpeg-as-pdf",
        "jpeg-as-png",
        "no-extension",
        "pdf-no-eof",
        "truncated-png",
        "gif",
        "empty",
    ],
)
def test_the_content_decides_and_the_name_must_agree(name: str, content: bytes, rule: str) -> None:
    with pytest.raises(ReturnError) as refused:
        evidence_read(name=name, content=content, field="evidence[2]")

    assert refused.value.rule == rule and refused.value.field == "evidence[2]"


def test_a_file_over_the_limit_is_refused_reading_one_byte_past_it(settings: Any) -> None:
    settings.RETURN_EVIDENCE_MAX_BYTES = 2000
    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (40, 40), random.Random(1).randbytes(4800)).save(buffer, "PNG")
    big = buffer.getvalue()
    assert len(big) > 2000

    with pytest.raises(ReturnError) as refused:
        evidence_read(name="big.png", content=big)
    assert refused.value.rule == "max_size"

    upload = SimpleUploadedFile("big.png", big + b"\x00" * 10_000_000, "image/png")
    with pytest.raises(ReturnError) as also:
        evidence_from_upload(upload)
    assert also.value.rule == "max_size"
    assert upload.file.tell() == 2001  # read no further than the limit and one byte


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (100_000, 100_000),  # 30 GB decoded: beyond Pillow's own bomb limit too
        (10_000, 8_000),  # 80 million pixels: above MAX_PIXELS, below Pillow's warning
    ],
)
def test_a_decompression_bomb_is_refused_without_decoding_it(width: int, height: int) -> None:
    """A valid PNG header claiming far more pixels than a photo has: refused from the
    header, with little memory used."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 300_000
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(row * 20, 9))
        + _png_chunk(b"IEND", b"")
    )
    assert len(bomb) < 100_000

    tracemalloc.start()
    try:
        with pytest.raises(ReturnError) as refused:
            evidence_read(name="bomb.png", content=bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert refused.value.rule == "file_type"
    assert peak < 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\kunde\\照片.png", "照片.png"),
        ("pho\x00to.png", "photo.png"),
        ("pho\nto\t.png", "photo.png"),
        ("\u202egnp.exe.png", "gnp.exe.png"),  # the right-to-left override is dropped
        ("/", "evidence"),
    ],
)
def test_file_names_are_cleaned(name: str, cleaned: str) -> None:
    if cleaned == "evidence":
        with pytest.raises(ReturnError) as refused:  # no name, so no extension to agree
            evidence_read(name=name, content=image_bytes("PNG"))
        assert refused.value.rule == "file_extension" and "evidence" in str(refused.value)
        return
    assert evidence_read(name=name, content=image_bytes("PNG")).name == cleaned


@pytest.mark.django_db
def test_evidence_is_stored_privately_under_a_random_name(delivered: Any, client: Any) -> None:
    from returns.services import RequestInput, return_request_submit

    order = delivered(quantity=1)
    line = order.lines.get()
    photo = evidence_read(name="../../secret/破损.png", content=image_bytes("PNG"))
    request, _ = return_request_submit(
        order=order,
        data=RequestInput(
            kind="return", reason=3, reason_text="", lines={line.pk: 1}, evidence=[photo]
        ),
    )

    [stored] = request.evidence.all()
    assert stored.original_name == "破损.png" and stored.content_type == "image/png"
    assert stored.size == len(photo.content) and stored.sha256 == photo.sha256
    path = Path(stored.file.path)
    assert path.is_relative_to(Path(settings.RETURNS_EVIDENCE_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.name == f"{stored.token}.png" and "破损" not in str(path)
    assert path.read_bytes() == photo.content
    # not under the served media folder: its media address finds nothing
    assert client.get("/" + stored.file.url.lstrip("/")).status_code == 404
