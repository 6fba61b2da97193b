"""The input guard: control characters, over-long numbers and deep JSON are refused at the edge
with a message naming the field, never a server error (found by fuzzing: NUL on PostgreSQL in
``?q=``, names and comments; ``?offset=99999999999999999999``; deeply nested JSON)."""

from __future__ import annotations

import json

import pytest

from uchast.core import inputguard


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("a\x00b", "control"),
        ("\x1b[31m", "control"),
        ("x\x7f", "control"),
        ("\x85", "control"),
        ("99999999999999999999", "number"),
        ("-1234567890123456789", "number"),
    ],
)
def test_refused_text(value: str, kind: str) -> None:
    with pytest.raises(inputguard.Refusal) as caught:
        inputguard.check_pairs([("q", value)])
    assert caught.value.kind == kind and caught.value.field == "q"


@pytest.mark.parametrize(
    "value", ["", "Київ", "line one\r\nline two\tend", "123456789012345678", "1e400", "+380501234567"]
)
def test_accepted_text(value: str) -> None:
    inputguard.check_pairs([("q", value)])


def test_json_depth_controls_and_big_integers() -> None:
    inputguard.check_json(json.dumps({"projects": [1, 2, 3], "text": "ok\n"}).encode())
    inputguard.check_json(b"not json at all")  # the endpoint reports malformed JSON itself
    inputguard.check_json(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')  # brackets inside a string
    for body, kind in [
        (b"[" * 100_000 + b"]" * 100_000, "json"),
        (json.dumps({"text": "a\u0000b"}).encode(), "control"),
        (json.dumps({"k\u0001": 1}).encode(), "control"),
        (b'{"projects": [1, 100000000000000000000]}', "number"),
    ]:
        with pytest.raises(inputguard.Refusal) as caught:
            inputguard.check_json(body)
        assert caught.value.kind == kind


def test_pages_answer_400_with_the_reason_and_the_api_422(client, community) -> None:
    page = client.get("/petitions/", {"q": "a\x00b"})
    assert page.status_code == 400
    assert "q" in page.content.decode() and "NUL" in page.content.decode()
    form = client.post("/accounts/login/", {"login": "x\x00@example.org", "password": "p"})
    assert form.status_code == 400
    api = client.get("/api/petitions/", {"offset": "99999999999999999999"})
    assert api.status_code == 422
    assert api.json()["error"]["code"] == "invalid_input"
    assert api.json()["error"]["details"] == [{"field": "offset"}]
    nested = client.post("/api/me", data=b"[" * 50_000, content_type="application/json")
    assert nested.status_code == 422 and nested.json()["error"]["code"] == "invalid_input"
    assert client.get("/petitions/?q=ok&q=%00").status_code == 400  # every value of a repeated name
    assert client.get("/petitions/", {"q": "вода"}).status_code == 200


def test_the_answer_is_in_the_requests_language(client, community) -> None:
    english = client.get("/api/petitions/", {"q": "\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    ukrainian = client.get("/api/petitions/", {"q": "\x00"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert "control character" in english.json()["error"]["message"]
    assert english.json()["error"]["message"] != ukrainian.json()["error"]["message"]
