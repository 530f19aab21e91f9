"""Uploaded files (speakers' photos and slides), served so that nothing in them runs as
this site: whatever a file holds, a browser neither runs its scripts in the site's origin
nor guesses it is a page.

- Photos (re-encoded on upload, speakers.images) are shown inline; every other file (the
  slides PDFs) is a download: `Content-Disposition: attachment`.
- Every response says `X-Content-Type-Options: nosniff` and carries a sandboxing
  `Content-Security-Policy`: opened anyway, a file runs in an opaque origin with no script.

Django serves media only when SERVE_MEDIA is on; a web server in front must send the same
headers (README, "Uploaded files").
"""

import mimetypes
import posixpath

from django.conf import settings
from django.utils.http import content_disposition_header
from django.views.static import serve

MEDIA_CSP = "default-src 'none'; sandbox"
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def protect(response, path: str):
    """Add the headers every uploaded file is served with."""
    # From the name, as serve() does: a 304 has no Content-Type but updates cached headers.
    content_type, _ = mimetypes.guess_type(path)
    if content_type not in INLINE_TYPES:
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=posixpath.basename(path)
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response


def media(request, path: str):
    """django.views.static.serve for MEDIA_ROOT, with the headers above."""
    return protect(serve(request, path, document_root=settings.MEDIA_ROOT), path)
