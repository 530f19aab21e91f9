"""Re-encoding of uploaded photos: only real images pass, and none keeps its metadata."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.crypto import get_random_string
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000
OUTPUT_SIDE = 800
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def reencode_photo(upload) -> ContentFile:
    """Return the upload as a fresh JPEG or PNG at most OUTPUT_SIDE wide and high."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"The photo is too large ({upload.size // 1024} KB); the limit is "
            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
            code="too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError("Please upload a JPEG, PNG, GIF or WebP image.", code="format")
        if width * height > MAX_SOURCE_PIXELS:
            raise ValidationError("The photo has too many pixels.", code="too_many_pixels")
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((OUTPUT_SIDE, OUTPUT_SIDE))
            has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
            out = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(out, format="PNG", optimize=True)
                extension = "png"
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
                extension = "jpg"
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "This file is not an image we can read. Please upload a JPEG, PNG, GIF or WebP.",
            code="not_an_image",
        ) from None
    return ContentFile(out.getvalue(), name=f"{get_random_string(12)}.{extension}")
