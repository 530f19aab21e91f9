"""The speaker profile page: saving, photos re-encoded without metadata, links and `next`."""

import io
import random
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from speakers.images import MAX_UPLOAD_BYTES, OUTPUT_SIDE
from speakers.models import SpeakerProfile
from tests.factories import ProfileFactory, UserFactory
from tests.helpers import page, profile_data

pytestmark = pytest.mark.django_db

PROFILE_URL = "/me/profile/"
NOT_SAVED = "Your profile was not saved: please correct the fields marked below."
SECRET = "SecretCamera Inc"


# --- helpers ----------------------------------------------------------------------------


def snapshot(profile: SpeakerProfile) -> dict:
    return SpeakerProfile.objects.values().get(pk=profile.pk)


def stored_photos() -> list:
    folder = settings.MEDIA_ROOT / "photos"
    return sorted(folder.iterdir()) if folder.exists() else []


def image_bytes(
    size: tuple[int, int], image_format: str, mode: str = "RGB", exif=None, **save
) -> bytes:
    """A small real picture: a coloured background with a shape, so encoders have work."""
    image = Image.new(mode, size, (200, 60, 40, 255) if mode == "RGBA" else (200, 60, 40))
    ImageDraw.Draw(image).ellipse([size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2])
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(out, format=image_format, **save)
    return out.getvalue()


def camera_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = SECRET  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x013B] = "Jane Photographer"  # Artist
    exif[0x010E] = "Taken at home, 12 Secret Street"  # ImageDescription
    if orientation:
        exif[0x0112] = orientation
    return exif


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- access -----------------------------------------------------------------------------


def test_profile_anonymous_is_redirected_to_login(client, db):
    get_response = client.get(PROFILE_URL)
    post_response = client.post(PROFILE_URL, profile_data())

    expected = f"{reverse('account_login')}?next={PROFILE_URL}"
    assert get_response.url == expected
    assert post_response.url == expected
    assert not SpeakerProfile.objects.exists()


def test_profile_url_is_the_named_route():
    assert reverse("speakers:profile") == PROFILE_URL


# --- happy path -------------------------------------------------------------------------


def test_profile_page_shows_the_current_values(speaker_client, speaker):
    response = speaker_client.get(PROFILE_URL)

    body = page(response)
    assert "Your speaker profile" in body
    assert f'value="{speaker.profile.name}"' in body
    assert speaker.profile.biography in body
    assert 'enctype="multipart/form-data"' in body
    assert 'name="next"' not in body


def test_profile_first_visit_shows_an_empty_form_and_writes_nothing(client):
    user = UserFactory()
    client.force_login(user)

    response = client.get(PROFILE_URL)

    assert response.status_code == 200
    assert 'name="name"' in response.content.decode()
    assert not SpeakerProfile.objects.filter(user=user).exists()  # a read never writes


def test_profile_save_stores_the_fields_and_redirects_to_the_profile(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        PROFILE_URL,
        profile_data(links="  https://example.com/ada \n\n http://blog.example.org/  \n"),
        follow=True,
    )

    assert response.redirect_chain == [(PROFILE_URL, 302)]
    assert "Your profile is saved." in page(response)
    profile = SpeakerProfile.objects.get(user=user)
    assert profile.name == "Ada Lovelace"
    assert profile.affiliation == "Analytical Engines"
    assert profile.biography == "Writes programs for machines that do not exist yet."
    assert profile.links == "https://example.com/ada\nhttp://blog.example.org/"
    assert profile.is_complete
    assert not profile.photo


def test_profile_photo_png_is_reencoded_and_stored_under_a_random_name(speaker_client, speaker):
    content = image_bytes((300, 200), "PNG", mode="RGBA")

    response = speaker_client.post(
        PROFILE_URL, {**profile_data(), "photo": upload("my-holiday.png", content, "image/png")}
    )

    assert response.url == PROFILE_URL
    profile = SpeakerProfile.objects.get(user=speaker)
    assert re.fullmatch(r"photos/[A-Za-z0-9]{16}\.png", profile.photo.name)
    assert "holiday" not in profile.photo.name
    with Image.open(profile.photo.path) as stored:
        assert stored.format == "PNG"
        assert stored.size == (300, 200)
        assert stored.mode == "RGBA"
    assert profile.photo.url in page(speaker_client.get(PROFILE_URL))


def test_profile_photo_jpeg_is_downscaled_and_loses_its_exif(speaker_client, speaker):
    content = image_bytes((1600, 1200), "JPEG", exif=camera_exif(), quality=90)
    with Image.open(io.BytesIO(content)) as original:  # the upload really carries EXIF
        assert original.getexif()[0x010F] == SECRET
    assert SECRET.encode() in content

    speaker_client.post(
        PROFILE_URL, {**profile_data(), "photo": upload("camera.jpg", content, "image/jpeg")}
    )

    profile = SpeakerProfile.objects.get(user=speaker)
    stored_bytes = profile.photo.read()
    profile.photo.close()
    with Image.open(io.BytesIO(stored_bytes)) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (OUTPUT_SIDE, 600)
        assert max(stored.size) <= 800
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
    assert SECRET.encode() not in stored_bytes
    assert b"Jane Photographer" not in stored_bytes
    assert b"Exif\x00\x00" not in stored_bytes


def test_profile_photo_exif_orientation_is_applied_before_it_is_dropped(speaker_client, speaker):
    # Orientation 6: the camera was turned; the picture is shown rotated by 90 degrees.
    content = image_bytes((1000, 500), "JPEG", exif=camera_exif(orientation=6))

    speaker_client.post(
        PROFILE_URL, {**profile_data(), "photo": upload("turned.jpg", content, "image/jpeg")}
    )

    profile = SpeakerProfile.objects.get(user=speaker)
    with Image.open(profile.photo.path) as stored:
        assert stored.size == (400, 800)  # upright, at most 800 px
        assert dict(stored.getexif()) == {}


def test_profile_photo_png_metadata_is_dropped(speaker_client, speaker):
    info = PngInfo()
    info.add_text("Author", "Jane Photographer")
    info.add_text("Comment", "12 Secret Street")
    content = image_bytes((900, 1800), "PNG", mode="RGBA", pnginfo=info, exif=camera_exif())

    speaker_client.post(
        PROFILE_URL, {**profile_data(), "photo": upload("scan.png", content, "image/png")}
    )

    profile = SpeakerProfile.objects.get(user=speaker)
    stored_bytes = profile.photo.read()
    profile.photo.close()
    with Image.open(io.BytesIO(stored_bytes)) as stored:
        assert stored.format == "PNG"
        assert stored.size == (400, 800)
        assert "Author" not in stored.info
        assert "Comment" not in stored.info
        assert dict(stored.getexif()) == {}
    assert b"Jane Photographer" not in stored_bytes
    assert b"Secret" not in stored_bytes


def test_profile_photo_replacement_deletes_the_old_file(
    speaker_client, speaker, django_capture_on_commit_callbacks
):
    first = image_bytes((100, 100), "JPEG")
    speaker_client.post(
        PROFILE_URL, {**profile_data(), "photo": upload("a.jpg", first, "image/jpeg")}
    )
    old_name = SpeakerProfile.objects.get(user=speaker).photo.name

    with django_capture_on_commit_callbacks(execute=True):
        speaker_client.post(
            PROFILE_URL,
            {
                **profile_data(),
                "photo": upload("b.jpg", image_bytes((120, 90), "JPEG"), "image/jpeg"),
            },
        )

    new_name = SpeakerProfile.objects.get(user=speaker).photo.name
    assert new_name != old_name
    assert [p.name for p in stored_photos()] == [new_name.removeprefix("photos/")]


def test_profile_saving_without_a_new_photo_keeps_the_old_one(speaker_client, speaker):
    speaker_client.post(
        PROFILE_URL,
        {**profile_data(), "photo": upload("a.jpg", image_bytes((90, 90), "JPEG"), "image/jpeg")},
    )
    name = SpeakerProfile.objects.get(user=speaker).photo.name

    speaker_client.post(PROFILE_URL, profile_data(name="Ada King"))

    profile = SpeakerProfile.objects.get(user=speaker)
    assert profile.name == "Ada King"
    assert profile.photo.name == name


# --- bad photos -------------------------------------------------------------------------


def test_profile_oversized_photo_is_refused(speaker_client, speaker):
    side = 1100
    noise = random.Random(0).randbytes(side * side * 3)  # noise does not compress
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), noise).save(out, format="PNG", compress_level=1)
    content = out.getvalue()
    assert len(content) > MAX_UPLOAD_BYTES
    before = snapshot(speaker.profile)

    response = speaker_client.post(
        PROFILE_URL, {**profile_data(), "photo": upload("big.png", content, "image/png")}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert f"The photo is too large ({len(content) // 1024} KB); the limit is 2 MB." in body
    assert snapshot(speaker.profile) == before
    assert stored_photos() == []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.png", b"This is plain text, not a picture.\n" * 20, "image/png"),
        ("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("photo.png", image_bytes((200, 200), "PNG")[:120], "image/png"),  # truncated
        (
            "photo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
            "image/svg+xml",
        ),
    ],
    ids=["text", "html", "truncated", "svg"],
)
def test_profile_fake_image_is_refused(speaker_client, speaker, name, content, content_type):
    before = snapshot(speaker.profile)

    response = speaker_client.post(
        PROFILE_URL, {**profile_data(), "photo": upload(name, content, content_type)}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert (
        "Upload a valid image. The file you uploaded was either not an image or a corrupted "
        "image." in body
    )
    assert snapshot(speaker.profile) == before
    assert stored_photos() == []


def test_profile_unsupported_image_format_is_refused(speaker_client, speaker):
    content = image_bytes((50, 50), "BMP")
    before = snapshot(speaker.profile)

    response = speaker_client.post(
        PROFILE_URL, {**profile_data(), "photo": upload("photo.bmp", content, "image/bmp")}
    )

    body = page(response)
    assert NOT_SAVED in body
    assert "Please upload a JPEG, PNG, GIF or WebP image." in body
    assert snapshot(speaker.profile) == before
    assert stored_photos() == []


# --- links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    ["ftp://example.com/talks", "javascript:alert(1)", "mailto:ada@example.com", "example.com"],
)
def test_profile_non_http_link_is_refused(speaker_client, speaker, link):
    before = snapshot(speaker.profile)

    response = speaker_client.post(
        PROFILE_URL, profile_data(links=f"https://example.com/ok\n{link}")
    )

    body = page(response)
    assert NOT_SAVED in body
    assert f"“{link}” is not a web address (it should start with https://)." in body
    assert 'href="javascript:' not in body
    assert snapshot(speaker.profile) == before


def test_profile_more_than_ten_links_are_refused(speaker_client, speaker):
    links = "\n".join(f"https://example.com/{n}" for n in range(11))
    before = snapshot(speaker.profile)

    response = speaker_client.post(PROFILE_URL, profile_data(links=links))

    assert "Please give at most 10 links." in page(response)
    assert snapshot(speaker.profile) == before


# --- the `next` parameter -----------------------------------------------------------------


def test_profile_next_to_a_local_page_is_kept_and_followed(speaker_client, proposal):
    target = proposal.get_absolute_url()

    get_response = speaker_client.get(PROFILE_URL, {"next": target})
    post_response = speaker_client.post(f"{PROFILE_URL}?next={target}", profile_data())

    assert f'<input type="hidden" name="next" value="{target}">' in page(get_response)
    assert post_response.url == target


def test_profile_next_in_the_form_body_is_followed(speaker_client):
    response = speaker_client.post(PROFILE_URL, {**profile_data(), "next": "/me/proposals/"})

    assert response.url == "/me/proposals/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://evil.example",
        "javascript:alert(1)",
        "https:///evil.example",
        "/\\evil.example",
    ],
)
def test_profile_next_to_an_external_url_is_ignored(speaker_client, speaker, target):
    get_response = speaker_client.get(PROFILE_URL, {"next": target})
    post_response = speaker_client.post(
        PROFILE_URL, {**profile_data(name="Ada Byron"), "next": target}
    )

    assert 'name="next"' not in page(get_response)
    assert "evil.example" not in page(get_response)
    assert post_response.url == PROFILE_URL
    speaker.profile.refresh_from_db()
    assert speaker.profile.name == "Ada Byron"  # the profile itself is saved


def test_profile_invalid_form_keeps_next_for_the_retry(speaker_client):
    response = speaker_client.post(
        f"{PROFILE_URL}?next=/me/proposals/", profile_data(name="", biography="")
    )

    body = page(response)
    assert NOT_SAVED in body
    assert '<input type="hidden" name="next" value="/me/proposals/">' in body


def test_profile_incomplete_profile_is_completed_and_returns_to_the_proposal(client, proposal):
    user = ProfileFactory(name="", biography="").user
    proposal.speakers.add(user)
    client.force_login(user)

    response = client.post(
        f"{PROFILE_URL}?next={proposal.get_absolute_url()}", profile_data(), follow=True
    )

    assert response.redirect_chain == [(proposal.get_absolute_url(), 302)]
    assert "Your profile is saved." in page(response)
    assert SpeakerProfile.objects.get(user=user).is_complete


def test_profile_sent_back_lists_its_errors_at_the_top_with_links(speaker_client, speaker):
    response = speaker_client.post(PROFILE_URL, profile_data(name="", biography=" "))

    body = page(response)
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</ul>', body, re.S)
    assert summary and 'tabindex="-1"' in summary.group(0)
    assert "There are 2 problems to correct:" in summary.group(0)
    assert re.findall(r'<a href="#([^"]+)" class="alert-link">', summary.group(0)) == [
        "id_name",
        "id_biography",
    ]
