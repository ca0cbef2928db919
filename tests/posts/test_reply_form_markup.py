"""The reply box is written out by hand: the same markup WTForms gave, and nothing typed is lost."""

from __future__ import annotations

import pytest

from tests.conftest import post_form
from tests.factories import BoardFactory, UserFactory, make_thread
from tests.posts.helpers import logged_in, textarea_text

BODY_BOX = (
    '<textarea aria-describedby="body-hint" data-maxlength="20000" id="body" name="body"'
    ' required rows="6">\r\n</textarea>'
)


@pytest.fixture
def scene(app, ctx):  # type: ignore[no-untyped-def]
    member = UserFactory()
    thread = make_thread(BoardFactory(), UserFactory())
    return logged_in(app, member), thread


def test_thread_page_reply_box_has_the_fields_ids_labels_and_hints(scene):
    browser, thread = scene

    page = browser.get(f"/t/{thread.id}").get_data(as_text=True)

    assert BODY_BOX in page
    assert '<label for="body">Your reply</label>' in page
    assert '<input id="csrf_token" name="csrf_token" type="hidden" value="' in page
    assert (
        '<input aria-describedby="custom_warning-hint" data-maxlength="120" id="custom_warning"'
        ' name="custom_warning" type="text" value="">' in page
    )
    assert (
        '<input aria-describedby="anonymous-hint" id="anonymous" name="anonymous"'
        ' type="checkbox" value="y">' in page
    )


def test_a_rejected_reply_keeps_the_text_choices_and_shows_the_error(scene):
    browser, thread = scene
    body = 'Too long <b>"quoted"</b> & more\r\n' + "a" * 20_000
    url = f"/t/{thread.id}/reply"

    response = post_form(
        browser, url, {"body": body, "anonymous": "y", "custom_warning": 'spiders & "bugs"',
                       "content_warnings": ["abuse"]}, page=f"/t/{thread.id}",
    )  # fmt: skip

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert textarea_text(page) == body  # exactly as typed
    assert '<ul class="field-errors" id="body-errors">' in page
    assert '<textarea aria-describedby="body-errors" aria-invalid="true" data-maxlength' in page
    assert 'value="spiders &amp; &#34;bugs&#34;"' in page
    assert 'checked id="anonymous" name="anonymous"' in page
    assert 'checked id="content_warnings-2"' in page
