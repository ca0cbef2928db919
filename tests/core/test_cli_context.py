"""`flask forum ...` commands run with an app context of their own, as under the real CLI."""


def test_cli_runs_without_an_outer_app_context(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "log", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 0 rows" in result.output
    result = runner.invoke(args=["forum", "moderation", "stats", "--json"])
    assert result.exit_code == 0, result.output
