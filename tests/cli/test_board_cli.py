"""`flask forum board ...`: create, edit, list, archive, reorder, policy."""

from __future__ import annotations

import json

import pytest

from forum.boards.models import Board
from forum.boards.services import get_board, list_boards
from forum.moderation.models import ActionLog
from forum.posts import services as posts
from forum.posts.services import PostRejected
from tests.cli.conftest import count, json_of, ok, refused
from tests.factories import BoardFactory, UserFactory


@pytest.fixture
def boards(ctx):  # type: ignore[no-untyped-def]
    return [BoardFactory(slug=slug, name=slug.title(), position=n)
            for n, slug in enumerate(["anxiety", "grief", "sleep"], start=1)]  # fmt: skip


def slugs() -> list[str]:
    return [board.slug for board in list_boards()]


def test_create_makes_a_board_with_rendered_guidelines_at_the_end(cli, boards, tmp_path):
    rules = tmp_path / "rules.md"
    rules.write_text("Be **kind**.", encoding="utf-8")

    result = ok(cli("board", "create", "carers", "--name", "Carers", "--description",
                    "Looking after someone.", "--guidelines", str(rules)))  # fmt: skip

    assert result.output.strip() == "Board 'carers' created at position 4."
    board = get_board("carers")
    assert (board.name, board.description) == ("Carers", "Looking after someone.")
    assert "<strong>kind</strong>" in board.guidelines_html
    assert slugs()[-1] == "carers"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad Slug", "--name", "X"], "A slug is lowercase letters and digits joined by hyphens."),
        (["anxiety", "--name", "Again"], "A board with the slug 'anxiety' already exists."),
        (["new-one", "--name", "  "], "A board name is 1 to 80 characters long."),
        (["new-one", "--name", "x" * 81], "A board name is 1 to 80 characters long."),
    ],
)
def test_create_refuses_bad_input_with_one_line_and_adds_nothing(cli, boards, args, message):
    refused(cli("board", "create", *args), message)
    assert count(Board) == 3


def test_create_needs_a_name(cli, boards):
    result = cli("board", "create", "carers")
    assert result.exit_code == 2
    assert "Missing option '--name'" in result.output
    assert count(Board) == 3


def test_edit_changes_only_what_is_given(cli, boards):
    ok(cli("board", "edit", "grief", "--description", "For anyone grieving."))

    board = get_board("grief")
    assert (board.name, board.description) == ("Grief", "For anyone grieving.")


def test_edit_refuses_an_unknown_board_or_nothing_to_change(cli, boards):
    refused(cli("board", "edit", "nope", "--name", "X"), "No board has the slug 'nope'.")
    refused(cli("board", "edit", "grief"), "Give --name, --description or --guidelines.")


def test_list_prints_the_boards_in_order_and_json_parses(cli, boards):
    text = ok(cli("board", "list")).output
    assert text.splitlines()[0].split() == [
        "#", "slug", "name", "threads", "posts", "moderation", "anonymous", "archived",
    ]  # fmt: skip
    assert [line.split()[1] for line in text.splitlines()[1:]] == ["anxiety", "grief", "sleep"]

    data = json_of(ok(cli("board", "list", "--json")))
    assert [b["slug"] for b in data] == ["anxiety", "grief", "sleep"]
    assert data[0] | {"archived_at": None} == data[0]
    assert set(data[0]) >= {"threads", "posts", "moderation", "anonymous", "position"}


def test_archive_asks_first_and_no_leaves_the_board_alone(cli, boards):
    result = cli("board", "archive", "sleep", input="n\n")

    assert result.exit_code == 1
    assert "Archive 'Sleep'? Members will not be able to start threads there." in result.output
    assert "Aborted!" in result.output
    assert get_board("sleep").archived_at is None
    assert count(ActionLog) == 0


def test_archive_hides_the_board_refuses_new_threads_and_is_logged(cli, boards):
    admin = UserFactory(pseudonym="HeadAdmin", is_admin=True)
    result = ok(cli("board", "archive", "sleep", "--as", "HeadAdmin", input="y\n"))

    assert "Board 'sleep' archived." in result.output
    assert slugs() == ["anxiety", "grief"]
    listed = json_of(ok(cli("board", "list", "--all", "--json")))
    assert [b["slug"] for b in listed if b["archived_at"]] == ["sleep"]
    [row] = ActionLog.query.all()
    assert (row.action, row.actor_id, row.actor_label) == ("board_archive", admin.id, "HeadAdmin")
    assert json.loads(row.details) == {"board": "sleep"}
    with pytest.raises(PostRejected):
        posts.create_thread(get_board("sleep"), UserFactory(), "A title", "Some words.")

    refused(cli("board", "archive", "sleep", "--yes"), "Board 'sleep' is archived already.")
    ok(cli("board", "unarchive", "sleep"))
    assert slugs() == ["anxiety", "grief", "sleep"]
    assert ActionLog.query.order_by(ActionLog.id.desc()).first().actor_label == "command line"


def test_archive_with_yes_does_not_ask(cli, boards):
    result = ok(cli("board", "archive", "grief", "--yes"))
    assert "?" not in result.output
    assert get_board("grief").archived_at is not None


def test_as_must_name_an_admin(cli, boards):
    UserFactory(pseudonym="JustMember")
    refused(cli("board", "archive", "grief", "--yes", "--as", "JustMember"),
            "--as must name an admin; 'JustMember' is not one.")  # fmt: skip
    assert get_board("grief").archived_at is None


def test_reorder_puts_the_named_boards_first(cli, boards):
    result = ok(cli("board", "reorder", "sleep", "anxiety"))

    assert result.output.strip() == "Board order: sleep, anxiety, grief"
    assert slugs() == ["sleep", "anxiety", "grief"]
    assert [b.position for b in list_boards()] == [1, 2, 3]
    assert json_of(ok(cli("board", "reorder", "grief", "--json"))) == ["grief", "sleep", "anxiety"]


def test_reorder_refuses_unknown_or_repeated_slugs_and_keeps_the_order(cli, boards):
    refused(cli("board", "reorder", "sleep", "nope"), "No board has the slug 'nope'.")
    refused(cli("board", "reorder", "sleep", "sleep"), "Name each board once.")
    assert slugs() == ["anxiety", "grief", "sleep"]


def test_policy_shows_then_sets_moderation_and_anonymity(cli, boards):
    shown = ok(cli("board", "policy", "grief")).output.strip()
    assert shown == "Board 'grief' is: moderation post, anonymous posting allowed."

    result = ok(cli("board", "policy", "grief", "--moderation", "new-members",
                    "--new-member-posts", "5", "--anonymous", "forced"))  # fmt: skip

    assert "moderation new-members (first 5), anonymous posting forced" in result.output
    board = get_board("grief")
    assert (board.moderation_mode, board.new_member_posts, board.anonymous_policy) == (
        "new-members", 5, "forced",
    )  # fmt: skip
    [row] = ActionLog.query.all()
    assert row.action == "board_policy"
    assert json_of(ok(cli("board", "policy", "grief", "--json")))["anonymous"] == "forced"
    thread = posts.create_thread(board, UserFactory(), "Anonymous by force", "Hello.")
    assert thread.is_anonymous


def test_policy_refuses_an_unknown_mode_and_a_bad_count(cli, boards):
    result = cli("board", "policy", "grief", "--moderation", "sometimes")
    assert result.exit_code == 2
    assert "Invalid value for '--moderation'" in result.output
    refused(cli("board", "policy", "grief", "--new-member-posts", "0"),
            "New members' held posts number from 1 to 100.")  # fmt: skip
    assert get_board("grief").new_member_posts == 3
    assert count(ActionLog) == 0
