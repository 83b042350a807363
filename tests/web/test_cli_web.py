"""``motorobs users`` and ``motorobs serve`` on the command line."""

from __future__ import annotations

from typer.testing import CliRunner

from motorobs.cli import app
from motorobs.web.accounts import user_for_token
from motorobs.web.db import Database
from motorobs.web.settings import DB_FILE

runner = CliRunner()


def test_users_add_reads_the_password_from_stdin_and_token_prints_it_last(tmp_path):
    data = str(tmp_path / "data")
    added = runner.invoke(app, ["users", "add", "Alice", "--role", "admin", "--data-dir", data],
                          input="a long enough password\n")
    assert added.exit_code == 0, added.output
    assert "added admin alice" in added.output
    again = runner.invoke(app, ["users", "add", "alice", "--data-dir", data],
                          input="a long enough password\n")
    assert again.exit_code == 2 and "already taken" in again.output
    weak = runner.invoke(app, ["users", "add", "bob", "--data-dir", data], input="short\n")
    assert weak.exit_code == 2 and "at least 10 characters" in weak.output
    token = runner.invoke(app, ["users", "token", "alice", "--data-dir", data])
    assert token.exit_code == 0, token.output
    secret = token.output.strip().splitlines()[-1]
    assert secret.startswith("mo_") and len(secret) > 40
    database = Database(f"sqlite:///{tmp_path / 'data' / DB_FILE}")
    with database.session() as db:
        assert user_for_token(db, secret).username == "alice"
    database.dispose()
    listed = runner.invoke(app, ["users", "list", "--data-dir", data])
    assert listed.output.split() == ["alice", "admin", "active"]
    changed = runner.invoke(app, ["users", "password", "alice", "--data-dir", data],
                            input="another long password\n")
    assert changed.exit_code == 0, changed.output
    from motorobs.web.accounts import authenticate

    database = Database(f"sqlite:///{tmp_path / 'data' / DB_FILE}")
    with database.session() as db:
        assert authenticate(db, "alice", "another long password", "test", max_failures=5,
                            window_minutes=15) is not None
    database.dispose()
    missing = runner.invoke(app, ["users", "token", "nobody", "--data-dir", data])
    assert missing.exit_code == 2 and "no active account" in missing.output


def test_serve_says_clearly_when_the_database_cannot_be_reached(tmp_path):
    answer = runner.invoke(app, ["serve", "--data-dir", str(tmp_path), "--db-url",
                                 "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"])
    assert answer.exit_code == 2
    assert "cannot open the database" in answer.output and "--db-url" in answer.output
