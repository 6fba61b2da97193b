"""Comments with moderation, notifications with preferences, follows, uploads — the shared blocks."""

from __future__ import annotations

import io

import pytest
import rules
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from uchast.core import comments, files, moderation, notifications
from uchast.core.audit import verify_chain
from uchast.core.errors import ActionRefused
from uchast.core.models import Comment, ModerationReport, Notification, UserBlock
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(community):
    """A district stands in for a module's object; the test opts it in as modules do in rules.py."""
    rules.add_perm("core.comment_district", rules.is_authenticated)
    rules.add_perm("core.follow_district", rules.is_authenticated)
    yield community.districts.first()
    rules.remove_perm("core.comment_district")
    rules.remove_perm("core.follow_district")


def test_comment_create_and_validation(target, resident):
    comment = comments.comment_create(author=resident, target=target, body="  Потрібне укриття біля школи.  ")
    assert comment.body == "Потрібне укриття біля школи."
    for body, code in (("   ", "empty"), ("я" * 2001, "too_long")):
        with pytest.raises(ActionRefused) as refused:
            comments.comment_create(author=resident, target=target, body=body)
        assert refused.value.code == code
    assert Comment.objects.count() == 1


def test_replies_stay_one_level_deep(target, resident):
    first = comments.comment_create(author=resident, target=target, body="1")
    reply = comments.comment_create(author=resident, target=target, body="2", parent=first)
    reply_to_reply = comments.comment_create(author=resident, target=target, body="3", parent=reply)
    assert reply_to_reply.parent_id == first.pk


def test_report_hide_restore_and_audit(target, resident, moderator):
    comment = comments.comment_create(author=resident, target=target, body="образа")
    reporter = make_user()
    moderation.contribution_report(reporter=reporter, target=comment, reason="Образливо")
    with pytest.raises(ActionRefused):
        moderation.contribution_report(reporter=reporter, target=comment, reason="ще раз")
    comment.refresh_from_db()
    assert comment.report_count == 1
    assert [item.obj for item in moderation.moderation_queue(target.community)] == [comment]
    with pytest.raises(ActionRefused):
        moderation.contribution_hide(moderator=moderator, target=comment, reason="")
    moderation.contribution_hide(moderator=moderator, target=comment, reason="Мова ворожнечі")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Мова ворожнечі"
    assert not ModerationReport.objects.filter(resolved_at__isnull=True).exists()
    assert list(moderation.moderation_queue(target.community)) == []
    moderation.contribution_restore(moderator=moderator, target=comment)
    assert verify_chain().ok


def test_blocked_user_cannot_comment(target, resident, moderator):
    moderation.user_block(moderator=moderator, user=resident, community=target.community, reason="Спам")
    with pytest.raises(ActionRefused) as refused:
        comments.comment_create(author=resident, target=target, body="знову спам")
    assert refused.value.code == "blocked"
    moderation.user_unblock(moderator=moderator, block=UserBlock.objects.get())
    assert comments.comment_create(author=resident, target=target, body="вибачте")


def test_comment_views_keep_the_draft_on_error(client, target, resident):
    content_type = ContentType.objects.get_for_model(target)
    url = f"/comments/{content_type.pk}/{target.pk}/add/"
    assert client.post(url, {"body": "x"}).status_code == 403  # anonymous
    client.force_login(resident)
    response = client.post(url, {"body": "я" * 2001, "next": "/"})
    assert response.status_code == 302
    assert client.session["uchast_comment_draft"] == "я" * 2001
    assert not Comment.objects.exists()
    response = client.post(url, {"body": "Дякую!", "next": "/about/"})
    assert response["Location"].startswith("/about/#comment-")
    assert Comment.objects.count() == 1


def test_comment_url_refuses_models_that_did_not_opt_in(client, resident, community):
    client.force_login(resident)
    content_type = ContentType.objects.get_for_model(community)
    assert client.post(f"/comments/{content_type.pk}/{community.pk}/add/", {"body": "x"}).status_code == 404
    assert client.post("/comments/99999/1/add/", {"body": "x"}).status_code == 404


def test_moderation_queue_is_for_moderators_only(client, target, resident, moderator):
    client.force_login(resident)
    assert client.get("/moderation/").status_code == 403
    client.force_login(moderator)
    assert client.get("/moderation/").status_code == 200


def test_notify_respects_preferences_language_and_sends_through_smtp(
    community, smtp_server, django_capture_on_commit_callbacks
):
    ukrainian = make_user(email="uk@example.org")
    english = make_user(email="en@example.org", preferred_language="en")
    opted_out = make_user(email="out@example.org")
    opted_out.notification_preferences = {"answers": False}
    opted_out.save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = notifications.notify(
            recipients=[ukrainian, english, opted_out, ukrainian],
            topic="answers",
            subject="Your comment is published.",
            template="core/email/test_notification.txt",
            context={"title": "Укриття"},
            url="/about/",
        )
    assert {n.user.email for n in sent} == {"uk@example.org", "en@example.org"}
    (uk_message,) = smtp_server.wait_for("uk@example.org")
    (en_message,) = smtp_server.wait_for("en@example.org")
    assert "Ваш коментар опубліковано" in uk_message["Subject"]
    assert "Your comment is published" in en_message["Subject"]
    assert "http://127.0.0.1:8000/about/" in smtp_server.body(uk_message)
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
    assert not smtp_server.messages or all("out@" not in str(m["To"]) for m in smtp_server.messages)


def test_notify_email_context_is_emailed_never_stored(community, smtp_server, django_capture_on_commit_callbacks):
    person = make_user(email="secret@example.org")
    secret = "https://uchast.example/one-time/s3cr3t-t0ken/"
    with django_capture_on_commit_callbacks(execute=True):
        (stored,) = notifications.notify(
            recipients=[person],
            topic=None,
            subject="Your comment is published.",
            template="core/email/test_notification.txt",
            context={"title": "Укриття"},
            url="/about/",
            email_context={"private_link": secret},
        )
    (message,) = smtp_server.wait_for("secret@example.org")
    assert secret in smtp_server.body(message) and "Укриття" in smtp_server.body(message)
    stored.refresh_from_db()
    assert stored.emailed_at is not None and "Укриття" in stored.body
    for row in Notification.objects.values_list("subject", "body", "url"):
        assert all("s3cr3t-t0ken" not in value for value in row)


def test_notify_email_context_mail_failure_is_logged_not_raised(
    community, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard port: nothing listens, the connection is refused
    settings.EMAIL_TIMEOUT = 2
    person = make_user(email="down@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        (stored,) = notifications.notify(
            recipients=[person],
            topic=None,
            subject="Your comment is published.",
            template="core/email/test_notification.txt",
            context={"title": "x"},
            email_context={"private_link": "secret"},
        )
    stored.refresh_from_db()
    assert stored.emailed_at is None  # not marked as sent; the change itself stands


def test_follow_and_followers(client, target, resident):
    assert notifications.follow(resident, target)
    assert not notifications.follow(resident, target)
    assert list(notifications.followers(target)) == [resident]
    client.force_login(resident)
    content_type = ContentType.objects.get_for_model(target)
    client.post(f"/follow/{content_type.pk}/{target.pk}/", {"next": "/"})
    assert not notifications.is_following(resident, target)


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (3000, 2000), (200, 30, 30))
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (50.0, 27.0, 0.0)  # GPS latitude
    exif[0x010F] = "Camera maker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_images_are_resized_and_stripped_of_location():
    upload = SimpleUploadedFile("photo.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    assert files.validate_upload(upload, kinds={"image"}) == "image"
    cleaned = files.process_image(upload)
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert max(image.size) == 1600
        assert not image.getexif()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.jpg", b"", "empty"),
        ("script.jpg", b"#!/bin/sh\nrm -rf /", "bad_type"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "bad_image"),
        ("doc.exe", b"MZ\x90\x00", "bad_type"),
    ],
)
def test_bad_uploads_get_clear_errors(name, content, code):
    with pytest.raises(ValidationError) as refused:
        files.validate_upload(SimpleUploadedFile(name, content), kinds={"image", "pdf"})
    assert refused.value.code == code


def test_oversized_upload_is_refused_with_sizes():
    with pytest.raises(ValidationError) as refused:
        files.validate_upload(SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2048), kinds={"pdf"}, max_bytes=1024)
    assert refused.value.code == "too_large"


def test_attachment_add(target, official, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("рішення.pdf", b"%PDF-1.4 test")
    attachment = files.attachment_add(target=target, upload=upload, title="Рішення", uploaded_by=official)
    assert attachment.kind == "pdf" and list(files.attachments_for(target)) == [attachment]
