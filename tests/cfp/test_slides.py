"""Slides: speakers of accepted talks upload a real PDF or give a link; the talk page shows them."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from cfp import decisions, slides
from cfp.services import ActionRefused
from tests.cfp.test_public import at, publish, url
from tests.factories import (
    EventFactory,
    ProposalFactory,
    RoomFactory,
    SpeakerFactory,
    TalkSlotFactory,
)
from tests.helpers import page


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _js(code: str = "app.alert('pwned')") -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def scripted_pdf_bytes(where: str) -> bytes:
    """A one-page PDF with a script (or a harmless action) in one of the places viewers run
    them from."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    root = writer._root_object
    if where == "open-action":
        root[NameObject("/OpenAction")] = writer._add_object(_js())
    elif where == "names":
        tree = DictionaryObject(
            {
                NameObject("/Names"): ArrayObject(
                    [TextStringObject("js1"), writer._add_object(_js())]
                )
            }
        )
        root[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    elif where == "page-aa":
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js()})
    elif where == "document-aa":
        root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _js()})
    elif where == "link":
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(0)] * 2 + [NumberObject(99)] * 2),
                NameObject("/A"): _js(),
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    elif where == "launch":
        root[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("calc.exe"),
            }
        )
    elif where == "harmless-open-action":  # open on page 1, fit to the window
        root[NameObject("/OpenAction")] = ArrayObject([page.indirect_reference, NameObject("/Fit")])
    elif where == "uri-link":
        root[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/URI"),
                NameObject("/URI"): TextStringObject("https://example.org/"),
            }
        )
        page[NameObject("/UserUnit")] = FloatObject(1)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def upload(content: bytes, name: str = "slides.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def slides_url(proposal) -> str:
    return reverse(
        "cfp:proposal_slides", kwargs={"event": proposal.event.slug, "code": proposal.code}
    )


def stored_slides(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "slides"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def talk(event, speaker):
    return ProposalFactory(event=event, speakers=[speaker], state="confirmed")


# --- uploads that work ---------------------------------------------------------------------------


def test_speaker_uploads_a_pdf_and_a_link(speaker_client, talk, settings):
    response = speaker_client.post(
        slides_url(talk),
        {"slides": upload(pdf_bytes(), "My talk.pdf"), "slides_url": "https://slides.example/t"},
    )

    assert response.status_code == 302 and response.url == talk.get_absolute_url()
    talk.refresh_from_db()
    assert talk.slides_url == "https://slides.example/t"
    assert talk.slides.name.startswith("slides/") and talk.slides.name.endswith(".pdf")
    assert "My talk" not in talk.slides.name  # never the uploader's file name
    [stored] = stored_slides(settings)
    assert stored.read_bytes().startswith(b"%PDF-")


def test_accepted_but_unconfirmed_talk_may_have_slides(speaker_client, event, speaker):
    accepted = ProposalFactory(event=event, speakers=[speaker], state="accepted")

    response = speaker_client.post(slides_url(accepted), {"slides_url": "https://x.example/s"})

    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.slides_url == "https://x.example/s"


def test_replacing_the_pdf_deletes_the_old_file(
    speaker_client, talk, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(slides_url(talk), {"slides": upload(pdf_bytes(1)), "slides_url": ""})
    [first] = stored_slides(settings)

    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(slides_url(talk), {"slides": upload(pdf_bytes(3)), "slides_url": ""})

    [second] = stored_slides(settings)
    assert second != first and not first.exists()
    talk.refresh_from_db()
    assert Path(talk.slides.path) == second


def test_a_link_alone_keeps_the_pdf_and_an_empty_link_clears_the_link(speaker_client, talk):
    speaker_client.post(
        slides_url(talk), {"slides": upload(pdf_bytes()), "slides_url": "https://a.example"}
    )
    talk.refresh_from_db()
    pdf_name = talk.slides.name

    speaker_client.post(slides_url(talk), {"slides_url": ""})

    talk.refresh_from_db()
    assert talk.slides.name == pdf_name
    assert talk.slides_url == ""


def test_remove_slides_deletes_the_pdf(
    speaker_client, talk, settings, django_capture_on_commit_callbacks
):
    speaker_client.post(
        slides_url(talk), {"slides": upload(pdf_bytes()), "slides_url": "https://a.example"}
    )
    assert stored_slides(settings)

    with django_capture_on_commit_callbacks(execute=True):
        response = speaker_client.post(slides_url(talk), {"remove_slides": "1"})

    assert response.status_code == 302
    talk.refresh_from_db()
    assert not talk.slides
    assert talk.slides_url == "https://a.example"
    assert stored_slides(settings) == []


# --- files that are refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (png_bytes(), "This file is not a PDF."),
        (b"<!doctype html><html><body>slides</body></html>", "This file is not a PDF."),
        (b"", "The submitted file is empty."),
        (b"%PDF-1.7\nthis is not really a PDF", "This PDF is damaged"),
        (pdf_bytes()[:200], "This PDF is damaged"),
        (pdf_bytes(password="secret"), "protected with a password or encrypted"),
        (pdf_bytes(pages=0), "This PDF has no pages."),
    ],
    ids=["png", "html", "empty", "garbage", "truncated", "encrypted", "no-pages"],
)
def test_fake_or_broken_pdf_is_refused_and_nothing_changes(
    speaker_client, talk, settings, content, message
):
    talk.slides_url = "https://before.example"
    talk.save()

    response = speaker_client.post(
        slides_url(talk), {"slides": upload(content), "slides_url": "https://after.example"}
    )

    assert response.status_code == 400
    assert message in page(response)
    talk.refresh_from_db()
    assert not talk.slides
    assert talk.slides_url == "https://before.example"
    assert stored_slides(settings) == []


SCRIPT_REFUSED = "This PDF contains a script (JavaScript or an action that starts a program)"


@pytest.mark.parametrize(
    "where", ["open-action", "names", "page-aa", "document-aa", "link", "launch"]
)
def test_pdf_with_a_script_is_refused_and_nothing_changes(speaker_client, talk, settings, where):
    content = scripted_pdf_bytes(where)

    response = speaker_client.post(
        slides_url(talk), {"slides": upload(content), "slides_url": "https://after.example"}
    )

    assert response.status_code == 400
    assert SCRIPT_REFUSED in page(response)
    talk.refresh_from_db()
    assert not talk.slides
    assert talk.slides_url == ""
    assert stored_slides(settings) == []


@pytest.mark.parametrize("where", ["harmless-open-action", "uri-link"])
def test_pdf_with_a_harmless_action_is_accepted(speaker_client, talk, settings, where):
    response = speaker_client.post(
        slides_url(talk), {"slides": upload(scripted_pdf_bytes(where)), "slides_url": ""}
    )

    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.slides
    assert len(stored_slides(settings)) == 1


def test_service_refuses_a_pdf_with_a_script_too(talk, speaker):
    with pytest.raises(slides.ValidationError, match="contains a script"):
        slides.slides_update(
            proposal=talk, by=speaker, upload=upload(scripted_pdf_bytes("open-action")), url=""
        )


def test_too_large_pdf_is_refused(speaker_client, talk, settings):
    settings.SLIDES_MAX_BYTES = 300
    content = pdf_bytes(pages=3)
    assert len(content) > 300

    response = speaker_client.post(slides_url(talk), {"slides": upload(content), "slides_url": ""})

    assert response.status_code == 400
    assert "The file is too large" in page(response)
    talk.refresh_from_db()
    assert not talk.slides
    assert stored_slides(settings) == []


def test_validator_refuses_an_empty_file_directly():
    with pytest.raises(slides.ValidationError, match="empty"):
        slides.validate_slides_pdf(upload(b""))


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "ftp://files.example/slides.pdf", "data:text/html,hi", "not a url"],
)
def test_only_web_links_are_accepted(speaker_client, talk, link):
    response = speaker_client.post(slides_url(talk), {"slides_url": link})

    assert response.status_code == 400
    talk.refresh_from_db()
    assert talk.slides_url == ""


def test_service_refuses_a_bad_link_too(talk, speaker):
    with pytest.raises(slides.ValidationError):
        slides.slides_update(proposal=talk, by=speaker, url="javascript:alert(1)")


# --- who may -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, talk):
    response = client.post(slides_url(talk), {"slides_url": "https://x.example"})

    assert response.status_code == 302 and "/accounts/login/" in response.url
    talk.refresh_from_db()
    assert talk.slides_url == ""


def test_another_user_gets_404_and_changes_nothing(client, talk):
    client.force_login(SpeakerFactory())

    response = client.post(
        slides_url(talk), {"slides": upload(pdf_bytes()), "slides_url": "https://x.example"}
    )

    assert response.status_code == 404
    talk.refresh_from_db()
    assert not talk.slides and talk.slides_url == ""


@pytest.mark.parametrize(
    "state", ["draft", "submitted", "rejected", "withdrawn", "declined", "canceled"]
)
def test_talk_not_accepted_is_refused_with_a_message(speaker_client, event, speaker, state):
    proposal = ProposalFactory(event=event, speakers=[speaker], state=state)

    response = speaker_client.post(slides_url(proposal), {"slides_url": "https://x.example"})

    assert response.status_code == 403
    assert "Slides can be added once" in page(response)
    proposal.refresh_from_db()
    assert proposal.slides_url == ""


def test_acceptance_not_yet_announced_is_refused(speaker_client, speaker):
    organizer = SpeakerFactory(is_staff=True)  # organizers are staff accounts
    event = EventFactory(organizers=[organizer])
    proposal = ProposalFactory(event=event, speakers=[speaker], state="submitted")
    decisions.proposal_decide(proposal=proposal, by=organizer, accept=True)  # its email is a draft

    response = speaker_client.post(slides_url(proposal), {"slides_url": "https://x.example"})

    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.slides_url == ""


def test_service_refuses_a_non_speaker(talk):
    with pytest.raises(ActionRefused):
        slides.slides_update(proposal=talk, by=SpeakerFactory(), url="https://x.example")


# --- where they show -----------------------------------------------------------------------------


def test_proposal_page_offers_the_slides_form_only_once_accepted(
    speaker_client, event, speaker, talk
):
    submitted = ProposalFactory(event=event, speakers=[speaker], state="submitted")

    confirmed_page = page(speaker_client.get(talk.get_absolute_url()))
    submitted_page = page(speaker_client.get(submitted.get_absolute_url()))

    assert slides_url(talk) in confirmed_page and 'name="slides"' in confirmed_page
    assert slides_url(submitted) not in submitted_page


def test_slides_page_shows_the_form(speaker_client, talk):
    response = speaker_client.get(slides_url(talk))

    assert response.status_code == 200
    assert 'name="slides"' in page(response) and 'name="slides_url"' in page(response)


def test_talk_page_shows_the_slides(client, speaker_client, talk):
    room = RoomFactory(event=talk.event)
    TalkSlotFactory(proposal=talk, event=talk.event, room=room, start=at(talk.event, 0, 10))
    speaker_client.post(
        slides_url(talk),
        {"slides": upload(pdf_bytes()), "slides_url": "https://slides.example/deck"},
    )
    talk.refresh_from_db()
    publish(talk.event)
    client.logout()

    html = page(client.get(url("talk", talk.event, code=talk.code)))

    assert f'href="/media/{talk.slides.name}"' in html
    assert 'href="https://slides.example/deck" rel="nofollow noopener"' in html
