"""QR-code decoding of page images with zxing-cpp (Pillow opens the image; nothing is fetched)."""

from __future__ import annotations

import base64
import binascii
import io
import warnings
from urllib.parse import unquote_to_bytes

import zxingcpp
from PIL import Image

MAX_IMAGE_BYTES = 4 * 1024 * 1024
MAX_IMAGE_PIXELS = 16_000_000  # beyond this Pillow's decompression-bomb guard would warn anyway


def data_uri_bytes(uri: str) -> bytes | None:
    """Return the bytes of an image `data:` URI (base64 or percent-encoded), None if not one."""
    if uri[:5].lower() != "data:":
        return None
    header, sep, payload = uri.partition(",")
    if not sep or not header[5:].lower().startswith("image/"):
        return None
    payload = payload.strip()
    if len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        return None
    try:
        if ";base64" in header.lower():
            return base64.b64decode("".join(payload.split()), validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None


def decode_qr(data: bytes) -> tuple[str, ...]:
    """Return the text of every QR code in image `data`; () for non-images or oversize images."""
    if not data or len(data) > MAX_IMAGE_BYTES:
        return ()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                return ()
            image = opened.convert("L")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        return ()  # not an image Pillow can read: nothing to decode
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return tuple(result.text for result in results if result.text)
