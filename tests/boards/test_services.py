"""Board rules: the demo seed, creating boards, and facilitators per board."""

from __future__ import annotations

import pytest

from forum.boards import services as boards
from forum.boards.models import Board
from forum.extensions import db
from tests.factories import BoardFactory, UserFactory
from tests.posts.helpers import logged_in

DEMO_NAMES = [
    "Introductions",
    "Anxiety",
    "Depression",
    "Grief and loss",
    "Recovery from addiction",
    "Caregivers",
    "Chronic illness",
]


def test_seed_demo_boards_creates_the_seven_demo_boards_in_order(ctx):
    assert boards.seed_demo_boards() == 7
    db.session.commit()

    assert [board.name for board in boards.list_boards()] == DEMO_NAMES


def test_seed_demo_boards_does_nothing_the_second_time(ctx):
    boards.seed_demo_boards()
    db.session.commit()

    assert boards.seed_demo_boards() == 0
    db.session.commit()

    assert db.session.scalar(db.select(db.func.count()).select_from(Board)) == 7


def test_seed_demo_boards_leaves_an_existing_forum_alone(ctx):
    BoardFactory(name="Our own board")

    assert boards.seed_demo_boards() == 0
    assert [board.name for board in boards.list_boards()] == ["Our own board"]


def test_demo_boards_appear_on_the_home_page_in_order(client):
    boards.seed_demo_boards()
    db.session.commit()

    page = client.get("/").get_data(as_text=True)

    positions = [page.index(f">{name}</a>") for name in DEMO_NAMES]
    assert positions == sorted(positions)


def test_cli_seed_demo_creates_the_boards_then_does_nothing(runner, ctx):
    first = runner.invoke(args=["forum", "seed-demo"])
    second = runner.invoke(args=["forum", "seed-demo"])

    assert first.exit_code == 0, first.output
    assert "Created 7 boards." in first.output
    assert second.exit_code == 0, second.output
    assert "nothing to do" in second.output
    db.session.expire_all()
    assert [board.name for board in boards.list_boards()] == DEMO_NAMES


def test_create_board_renders_its_guidelines_and_goes_last(ctx):
    BoardFactory(position=4)

    board = boards.create_board("peer-parents", "Peer parents", "For parents.", "Be **kind**.")

    assert board.position == 5
    assert board.guidelines_source == "Be **kind**."
    assert board.guidelines_html == "<p>Be <strong>kind</strong>.</p>"


@pytest.mark.parametrize(
    "slug", ["Anxiety", "two words", "-leading", "trailing-", "a--b", "x" * 41]
)
def test_create_board_refuses_a_malformed_slug(ctx, slug):
    with pytest.raises(boards.BoardInvalid):
        boards.create_board(slug, "A board")


def test_create_board_refuses_a_slug_in_use(ctx):
    BoardFactory(slug="anxiety")

    with pytest.raises(boards.BoardInvalid, match="already exists"):
        boards.create_board("anxiety", "Anxiety again")


def test_board_guidelines_show_on_the_board_page(app, ctx):
    boards.create_board("grief", "Grief", guidelines="No *advice* unless asked.")
    db.session.commit()

    page = logged_in(app, UserFactory()).get("/b/grief").get_data(as_text=True)

    assert "<p>No <em>advice</em> unless asked.</p>" in page


def test_facilitators_are_per_board_and_admins_facilitate_everywhere(ctx):
    anxiety, grief = BoardFactory(), BoardFactory()
    member, admin = UserFactory(), UserFactory(is_admin=True)

    boards.grant_facilitator(member, anxiety)
    boards.grant_facilitator(member, anxiety)  # idempotent
    db.session.commit()

    assert boards.is_facilitator(member, anxiety.id)
    assert not boards.is_facilitator(member, grief.id)
    assert boards.is_facilitator(admin, grief.id)

    boards.revoke_facilitator(member, anxiety)
    boards.revoke_facilitator(member, anxiety)  # and so is revoking
    db.session.commit()
    assert not boards.is_facilitator(member, anxiety.id)
