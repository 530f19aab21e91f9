"""Uploaded files are served so that nothing in them runs as the site: PDFs (and anything
that is not a photo) as downloads, every file with nosniff and a sandboxing CSP."""

import importlib

import pytest
from django.urls import clear_url_caches

from config import urls
from tests.cfp.test_public import at, publish, url
from tests.cfp.test_slides import png_bytes, scripted_pdf_bytes, slides_url, upload
from tests.factories import ProposalFactory, RoomFactory, TalkSlotFactory
from tests.helpers import page

SANDBOX = "default-src 'none'; sandbox"


@pytest.fixture
def served_media(settings):
    """config/urls.py as an installation with SERVE_MEDIA on has it."""
    settings.SERVE_MEDIA = True
    importlib.reload(urls)
    clear_url_caches()
    yield settings.MEDIA_ROOT
    settings.SERVE_MEDIA = False
    importlib.reload(urls)
    clear_url_caches()


def store(media_root, name: str, content: bytes) -> str:
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return f"/media/{name}"


def test_media_pdf_is_a_sandboxed_download(client, served_media):
    # A PDF stored before uploads were checked for scripts: still never shown in the site.
    address = store(served_media, "slides/abc.pdf", scripted_pdf_bytes("open-action"))

    response = client.get(address)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="abc.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_media_photo_is_shown_inline_with_nosniff_and_sandbox(client, served_media):
    address = store(served_media, "photos/ada.png", png_bytes())

    response = client.get(address)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("slides/page.html", b"<script>alert(document.domain)</script>"),
        ("slides/image.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("slides/noext", b"<html><script>alert(1)</script>"),
    ],
)
def test_media_file_that_is_not_a_photo_is_a_download(client, served_media, name, content):
    response = client.get(store(served_media, name, content))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX


def test_media_not_modified_answer_keeps_the_headers(client, served_media):
    address = store(served_media, "slides/abc.pdf", scripted_pdf_bytes("harmless-open-action"))
    first = client.get(address)

    again = client.get(address, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304
    assert again["Content-Disposition"] == 'attachment; filename="abc.pdf"'
    assert again["X-Content-Type-Options"] == "nosniff"
    assert again["Content-Security-Policy"] == SANDBOX


def test_media_missing_file_is_404(client, served_media):
    assert client.get("/media/slides/none.pdf").status_code == 404


def test_slides_linked_from_the_talk_page_download_with_the_headers(
    client, served_media, event, speaker
):
    talk = ProposalFactory(event=event, speakers=[speaker], state="confirmed")
    TalkSlotFactory(
        proposal=talk, event=event, room=RoomFactory(event=event), start=at(event, 0, 9)
    )
    client.force_login(speaker)
    client.post(
        slides_url(talk), {"slides": upload(scripted_pdf_bytes("uri-link")), "slides_url": ""}
    )
    talk.refresh_from_db()
    publish(event)
    client.logout()
    html = page(client.get(url("talk", event, code=talk.code)))
    address = f"/media/{talk.slides.name}"
    assert f'href="{address}" download' in html

    response = client.get(address)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == SANDBOX
    assert response["X-Content-Type-Options"] == "nosniff"
