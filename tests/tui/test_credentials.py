"""API Credentials screen (R-CRED-1, R-CRED-2): snapshots, Show Secret with and without the
right, copy via OSC 52, and Generate New Secret behind its warning."""

from __future__ import annotations

import io

from rich.console import Console
from sqlalchemy import delete, select

from bo_tui.core import credentials as cred
from bo_tui.core import rights
from bo_tui.core.demo import build_demo
from bo_tui.store import Store
from bo_tui.store.crypto import vault
from bo_tui.store.models import User, UserRight
from bo_tui.store.models.integration import ApiClient
from bo_tui.tui.widgets.admin_modals import AdminConfirm

from .conftest import LOGIN, fixed_store, make_app, settle


def private_store(tmp_path) -> Store:
    """Flow tests get a store of their own: the fixed paths are for snapshots, and two runs of
    the suite at once must never share (and unlink) one database file."""
    st = Store(f"sqlite:///{tmp_path / 'bo-tui.db'}")
    build_demo(st, staff=0, login=LOGIN)
    return st


FIXED_SECRET = "Txb60LZZTcQ4fixedSnapshotSecretValue0123456"


def fixed_client_store(st):
    """The store's API client gets a fixed id and secret, so snapshots are stable."""
    with st.transaction() as s:
        cred.ensure_client(s)
        client = s.scalar(select(ApiClient))
        client.client_id = "boi-7634-mo-0a1b2c3d"
        client.secret_enc = vault().encrypt(FIXED_SECRET)
        client.secret_hash = cred.sha256_hex(FIXED_SECRET)
    return st


def drop_right(st, right: str, login: str = LOGIN) -> None:
    with st.transaction() as s:
        uid = s.scalar(select(User.id).where(User.username == login))
        s.execute(delete(UserRight).where(UserRight.user_id == uid, UserRight.right == right))


async def open_credentials(pilot) -> None:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)


def test_R_CRED_1_credentials_snapshot_80x24(snap_compare):
    app = make_app(fixed_client_store(fixed_store("credentials", staff=0)))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_credentials)


def test_R_CRED_1_credentials_snapshot_120x40(snap_compare):
    app = make_app(fixed_client_store(fixed_store("credentials-wide", staff=0)))
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_credentials)


def plain(widget) -> str:
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def _screen_text(app) -> str:
    return plain(app.screen.query_one("#cred-client"))


async def test_R_CRED_1_show_secret_toggles_and_copies(tmp_path):
    st = fixed_client_store(private_store(tmp_path))
    app = make_app(st)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(80, 24)) as pilot:
        await open_credentials(pilot)
        assert FIXED_SECRET not in _screen_text(app)
        assert "Txb6" in _screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.revealed and FIXED_SECRET in _screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert not app.screen.revealed and FIXED_SECRET not in _screen_text(app)
        await pilot.press("c", "t", "s")
        await settle(pilot)
    assert copied == [
        "boi-7634-mo-0a1b2c3d",
        "http://127.0.0.1:8765/campus/oauth2/token?appName=7634-MO",
        FIXED_SECRET,
    ]


async def test_R_CRED_1_show_secret_refused_without_the_right(tmp_path):
    st = fixed_client_store(private_store(tmp_path))
    drop_right(st, rights.SHOW_SECRET)
    app = make_app(st)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(80, 24)) as pilot:
        await open_credentials(pilot)
        assert "lacks the tool right 'Show the API client secret'" in _screen_text(app)
        await pilot.press("v", "s")
        await settle(pilot)
        assert not app.screen.revealed
        assert FIXED_SECRET not in _screen_text(app)
        assert copied == []


async def test_R_CRED_1_screen_refused_without_the_credentials_right(tmp_path):
    st = fixed_client_store(private_store(tmp_path))
    drop_right(st, rights.CREDENTIALS)
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_credentials(pilot)
        refused = plain(app.screen.query_one("#cred-refused"))
        assert "Business Office API Credentials" in refused
        assert app.screen.creds is None


async def test_R_CRED_2_generate_new_secret_after_warning_old_secret_fails(tmp_path):
    st = fixed_client_store(private_store(tmp_path))
    with st.transaction() as s:
        client = cred.authenticate_client(s, "boi-7634-mo-0a1b2c3d", FIXED_SECRET)
        assert client is not None
        token = cred.issue_token(s, client).access_token
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_credentials(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, AdminConfirm) and "ONLY" in app.screen.text
        await pilot.press("enter")  # the focus starts on Cancel: nothing happens
        await settle(pilot)
        with st.session() as s:
            assert cred.authenticate_client(s, "boi-7634-mo-0a1b2c3d", FIXED_SECRET) is not None
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("tab", "enter")  # to "Generate New Secret", then confirm
        await settle(pilot)
        assert app.screen.creds.rotatedAt is not None
    with st.session() as s:
        assert cred.authenticate_client(s, "boi-7634-mo-0a1b2c3d", FIXED_SECRET) is None
        assert not cred.check_token(s, token)
        new = cred.get_credentials(s, reveal=True).clientSecret
        assert new != FIXED_SECRET
        assert cred.authenticate_client(s, "boi-7634-mo-0a1b2c3d", new) is not None


async def test_R_CRED_1_empty_store_says_why_instead_of_the_values(tmp_path):
    app = make_app(Store(f"sqlite:///{tmp_path / 'empty.db'}"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_credentials(pilot)
        refused = app.screen.query_one("#cred-refused")
        assert refused.display and "not a Campus user" in plain(refused)
        assert not app.screen.query_one("LoadingIndicator").display
