"""Staff screen (the Campus UI): snapshots of the search, each detail tab, a locked refusal and
the Combine Person preview; Pilot flows for search, the locks (R-PREF-1, R-SYNC-7), editing
and Combine Person (R-SYNC-10)."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
from pathlib import Path

from rich.console import Console
from sqlalchemy import func, select, text

from bo_tui.core import rights
from bo_tui.core.preferences import set_preferences
from bo_tui.core.schemas import parse_staff
from bo_tui.core.staff import update_staff
from bo_tui.core.users import set_rights
from bo_tui.store import Store
from bo_tui.store.models import HouseholdMember, Person

from .conftest import LOGIN, SNAP_DIR, fixed_store, make_app, settle

STAFF = 200


# --- helpers ------------------------------------------------------------------------------------

_TEMPLATE: Path | None = None


def staff_store(name: str) -> Store:
    """A fresh copy of one demo district (built once per process: copying is ~free, building
    is not) at /tmp/bo-tui-snapshots/<name>.db."""
    global _TEMPLATE
    if _TEMPLATE is None:
        template = fixed_store(f"staff-template-{os.getpid()}", staff=STAFF)
        template.dispose()  # closes the last connection, so the WAL is checkpointed into the file
        _TEMPLATE = SNAP_DIR / f"staff-template-{os.getpid()}.db"
    path = SNAP_DIR / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(_TEMPLATE, path)
    return Store(f"sqlite:///{path}")


def text_of(renderable) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def person_of(store, staff_number: str) -> int:
    with store.session() as s:
        return s.scalar(select(Person.id).where(Person.staff_number == staff_number))


def shared_household_staff(store) -> int:
    """A staff member (with a position) living in a household shared with students."""
    with store.session() as s:
        return s.scalar(
            text(
                "select m.person_id from household_members m "
                "join households h on h.id = m.household_id "
                "where h.staff_household = 0 "
                "and exists (select 1 from positions p where p.person_id = m.person_id) "
                "and (select count(*) from household_members o "
                "     where o.household_id = m.household_id) > 1 "
                "order by m.person_id limit 1"
            )
        )


def lone_non_staff(store) -> int:
    """A person without staff number or position (a parent or student), alone in a household."""
    with store.session() as s:
        return s.scalar(
            text(
                "select p.id from persons p join household_members m on m.person_id = p.id "
                "where p.staff_number is null "
                "and not exists (select 1 from positions x where x.person_id = p.id) "
                "and (select count(*) from household_members o "
                "     where o.household_id = m.household_id) = 1 "
                "order by p.id limit 1"
            )
        )


def make_hr_managed(store, staff_number: str) -> None:
    # What a sync commit does to the staff it touches (R-SYNC-7).
    with store.transaction() as s:
        update_staff(s, staff_number, parse_staff({}), today=dt.date(2026, 8, 31))


async def open_staff(pilot) -> None:
    await settle(pilot)
    await pilot.press("9")
    await settle(pilot)


async def open_person(pilot, person_id: int, tab_presses: int = 0) -> None:
    await open_staff(pilot)
    pilot.app.screen.open_detail(person_id)
    await settle(pilot)
    for _ in range(tab_presses):
        await pilot.press("n")
        await settle(pilot)


def snap_person(snap_compare, name: str, tab_presses: int, size=(80, 24), pick=None):
    store = staff_store(name)
    pid = pick(store) if pick else person_of(store, "10020")
    app = make_app(store)

    async def run_before(pilot):
        await open_person(pilot, pid, tab_presses)

    return snap_compare(app, terminal_size=size, run_before=run_before)


# --- snapshots ----------------------------------------------------------------------------------


def test_R_SRCH_1_staff_search_snapshot_80x24(snap_compare):
    app = make_app(staff_store("staff-search"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_staff)


def test_R_SRCH_1_staff_search_snapshot_120x40(snap_compare):
    app = make_app(staff_store("staff-search-wide"))
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_staff)


def test_staff_search_filtered_snapshot_80x24(snap_compare):
    app = make_app(staff_store("staff-search-filtered"))

    async def run_before(pilot):
        await open_staff(pilot)
        await pilot.press("slash", *"br")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_staff_detail_demographics_snapshot_80x24(snap_compare):
    assert snap_person(snap_compare, "staff-demo", 0)


def test_staff_detail_demographics_snapshot_120x40(snap_compare):
    assert snap_person(snap_compare, "staff-demo-wide", 0, size=(120, 40))


def test_R_DEMO_3_staff_detail_identity_history_snapshot_80x24(snap_compare):
    assert snap_person(snap_compare, "staff-identity", 1)


def test_R_EMP_1_staff_detail_employment_snapshot_80x24(snap_compare):
    def rehired(store):
        with store.session() as s:
            return s.scalar(
                text(
                    "select person_id from employments group by person_id "
                    "having count(*) > 1 order by person_id limit 1"
                )
            )

    assert snap_person(snap_compare, "staff-employment", 2, pick=rehired)


def test_R_POS_7_staff_detail_positions_snapshot_80x24(snap_compare):
    def two_positions(store):
        with store.session() as s:
            return s.scalar(
                text(
                    "select person_id from positions group by person_id "
                    "having count(*) > 1 order by person_id limit 1"
                )
            )

    assert snap_person(snap_compare, "staff-positions", 3, pick=two_positions)


def test_R_HH_3_staff_detail_shared_household_snapshot_80x24(snap_compare):
    assert snap_person(snap_compare, "staff-household", 4, pick=shared_household_staff)


def test_R_PREF_1_locked_refusal_snapshot_80x24(snap_compare):
    store = staff_store("staff-locked")
    make_hr_managed(store, "10020")
    pid = person_of(store, "10020")
    app = make_app(store)

    async def run_before(pilot):
        await open_person(pilot, pid)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_R_SYNC_10_combine_preview_snapshot_80x24(snap_compare):
    store = staff_store("staff-combine")
    base = person_of(store, "10020")
    other = lone_non_staff(store)
    app = make_app(store)

    async def run_before(pilot):
        await open_staff(pilot)
        from bo_tui.tui.screens.staff_combine import CombinePersonModal

        pilot.app.push_screen(CombinePersonModal(base, other))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


# --- flows --------------------------------------------------------------------------------------


async def test_R_SRCH_1_search_and_open_a_staff_member():
    from bo_tui.tui.screens.staff_detail import StaffDetailScreen

    store = staff_store("staff-flow-search")
    pid = person_of(store, "10020")
    with store.session() as s:
        last = s.scalar(
            text("select last_name from identities where person_id = :p and is_current = 1"),
            {"p": pid},
        )
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff(pilot)
        screen = app.screen
        assert screen.total == STAFF  # every demo staff member has a position (R-POS-8)
        await pilot.press("slash", *last.lower())
        await settle(pilot)
        assert screen.rows and all(r.lastName == last for r in screen.rows)
        screen.query_one("#staff-q-number").value = "10020"
        await settle(pilot)
        assert [r.personId for r in screen.rows] == [pid]
        screen.query_one("#staff-table").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StaffDetailScreen)
        assert app.screen.person_id == pid
        assert "10020" in str(app.screen.query_one("#detail-title").render())
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is screen


async def test_R_POS_8_persons_without_positions_are_not_staff_here():
    store = staff_store("staff-flow-r-pos-8")
    student = lone_non_staff(store)
    with store.session() as s:
        last = s.scalar(
            text("select last_name from identities where person_id = :p"), {"p": student}
        )
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff(pilot)
        await pilot.press("slash", *last)
        await settle(pilot)
        assert student not in [r.personId for r in app.screen.rows]


async def test_R_PREF_1_locked_edit_is_refused_with_the_reason_then_unlocked_edit_saves():
    from bo_tui.tui.screens.staff_edit import StaffForm

    store = staff_store("staff-flow-locks")
    make_hr_managed(store, "10020")
    pid = person_of(store, "10020")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, pid)
        detail = app.screen
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is detail, "a locked area opens no form"
        notes = [n.message for n in app._notifications]
        assert any("Staff Demographics is locked" in m and "HR system" in m for m in notes)
        assert "Locked" in str(detail.query_one("#lock-demographics").render())

        # Unlock in Business Office Preferences (R-PREF-1), then edit.
        with store.transaction() as s:
            set_preferences(s, {"staffDemographics": "off"})
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StaffForm)
        assert "Locked" not in str(detail.query_one("#lock-demographics").render())
        assert not form.query("#field-staffNumber"), "the staff number stays locked"

        # A bad value is shown next to its field and nothing is written.
        form.query_one("#field-birthDate").value = "12/26/1979"
        form.query_one("#field-workPhone").value = "573-555-0000"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = form.query_one("#error-birthDate")
        assert error.display and "YYYY-MM-DD" in str(error.render())
        with store.session() as s:
            assert s.scalar(select(Person.work_phone).where(Person.id == pid)) != "573-555-0000"

        form.query_one("#field-birthDate").value = "1979-12-26"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is detail
    with store.session() as s:
        row = s.execute(select(Person.work_phone, Person.birth_date).where(Person.id == pid)).one()
    assert row.work_phone == "573-555-0000"
    assert row.birth_date == dt.date(1979, 12, 26)


async def test_R_PREF_1_household_lock_refuses_with_its_own_reason():
    store = staff_store("staff-flow-hh-lock")
    make_hr_managed(store, "10020")
    with store.transaction() as s:
        set_preferences(s, {"staffDemographics": "off"})
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, person_of(store, "10020"), tab_presses=4)
        await pilot.press("e")
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("Staff Household is locked" in m for m in notes)


async def test_R_SYNC_10_combine_two_persons_moves_the_household_membership():
    from bo_tui.tui.screens.staff_combine import CombinePersonModal

    store = staff_store("staff-flow-combine")
    base = person_of(store, "10020")
    other = lone_non_staff(store)
    with store.session() as s:
        other_home = s.scalar(
            select(HouseholdMember.household_id).where(HouseholdMember.person_id == other)
        )
        last, first = s.execute(
            text("select last_name, first_name from identities where person_id = :p"),
            {"p": other},
        ).one()
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, base)
        await pilot.press("c")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, CombinePersonModal)
        assert modal.step == "other" and modal.base.personId == base
        box = modal.query_one("#pick-other Input")
        box.value = f"{last}, {first}"
        await settle(pilot)
        await pilot.press("enter")  # to the list
        await pilot.press("enter")  # pick the highlighted person
        await settle(pilot)
        assert modal.step == "preview" and modal.other.personId == other
        assert modal.preview.householdMemberships == 1
        shown = modal.query_one("#combine-preview-text").content
        assert "1 household membership" in text_of(shown)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, CombinePersonModal)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Person).where(Person.id == other)) == 0
        members = set(
            s.scalars(
                select(HouseholdMember.person_id).where(HouseholdMember.household_id == other_home)
            )
        )
    assert members == {base}


async def test_R_SYNC_10_combine_needs_the_right_and_says_why():
    store = staff_store("staff-flow-combine-right")
    with store.transaction() as s:
        set_rights(s, LOGIN, set(rights.ALL) - {rights.COMBINE_PERSON, rights.STAFF_EDIT})
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff(pilot)
        await pilot.press("c")
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("Combine Person" in m and LOGIN in m for m in notes)
        # Pushed by another screen (the validation report), the modal explains itself.
        from bo_tui.tui.screens.staff_combine import CombinePersonModal

        app.push_screen(CombinePersonModal(person_of(store, "10020"), None))
        await settle(pilot)
        assert app.screen.step == "refused"
        assert "Combine Person" in str(app.screen.query_one("#combine-message").render())
        await pilot.press("escape")
        await settle(pilot)
        # Without the Edit staff right, editing says why, even in an unlocked area.
        app.screen.open_detail(person_of(store, "10020"))
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert any(rights.ALL[rights.STAFF_EDIT] in n.message for n in app._notifications)


async def test_R_SYNC_10_combine_modal_opens_on_a_staff_number_from_another_screen():
    from bo_tui.tui.screens.staff_combine import CombinePersonModal

    store = staff_store("staff-flow-combine-number")
    other = lone_non_staff(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # on Home: any screen can push the modal
        app.push_screen(CombinePersonModal(None, other, base_staff_number="10020"))
        await settle(pilot)
        modal = app.screen
        assert modal.step == "preview"
        assert modal.base.personId == person_of(store, "10020")
        assert modal.preview.otherPersonId == other
        await pilot.press("b")  # change the base: the staff picker
        await settle(pilot)
        assert modal.step == "base"


async def test_reveal_ssn_needs_the_right():
    store = staff_store("staff-flow-ssn")
    pid = person_of(store, "10020")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, pid)
        masked = app.screen.detail.person["ssn"]
        assert masked.startswith("***-**-")
        await pilot.press("s")
        await settle(pilot)
        shown = app.screen.detail.person["ssn"]
        assert shown.isdigit() and len(shown) == 9 and shown[-4:] == masked[-4:]
        body = text_of(app.screen.query_one("#demographics-body").content)
        assert f"{shown[:3]}-{shown[3:5]}-{shown[5:]}" in body
        with store.transaction() as s:
            set_rights(s, LOGIN, set(rights.ALL) - {rights.REVEAL_SSN})
        app.reload_user()
        await pilot.press("s")  # hide again
        await settle(pilot)
        await pilot.press("s")  # and refused now
        await settle(pilot)
        assert app.screen.detail.person["ssn"] == masked
        assert any("Reveal SSNs" in n.message for n in app._notifications)


async def test_palette_reaches_combine_on_the_staff_screen():
    from bo_tui.tui.screens.staff_combine import CombinePersonModal

    app = make_app(staff_store("staff-flow-palette"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Combine")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CombinePersonModal)
        assert app.screen.step == "other"  # the highlighted staff member is the base


async def test_R_POS_1_add_a_position_and_R_ADDR_3_set_a_normalized_address():
    from bo_tui.core.persons import staff_detail
    from bo_tui.tui.screens.staff_edit import StaffForm

    store = staff_store("staff-flow-forms")
    pid = person_of(store, "10020")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_person(pilot, pid, tab_presses=3)  # Positions (Campus-managed: unlocked)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StaffForm)
        await pilot.press("ctrl+s")  # nothing chosen: the school is required (R-POS-1)
        await settle(pilot)
        assert form.query_one("#error-schoolNumber").display
        form.query_one("#field-schoolNumber").value = "010"
        form.query_one("#field-assignmentCode").value = "20"
        form.query_one("#field-startDate").value = "2026-09-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, StaffForm)
        # Enter on the new position (last row) edits its end date.
        table = app.screen.query_one("#positions-table")
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StaffForm) and form.form_title.startswith("End position 010")
        form.query_one("#field-endDate").value = "2027-06-30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, StaffForm)
        await pilot.press("n")  # Household
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-fullStreetAddress").value = "4321 North Lexington Avenue SE Apt 45"
        form.query_one("#field-city").value = "Blaine"
        form.query_one("#field-state").value = "MN"
        form.query_one("#field-zip").value = "55123"
        form.query_one("#field-county").value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, StaffForm)
    with store.session() as s:
        d = staff_detail(s, pid, today=dt.date(2026, 9, 1))
    assert [
        p["endDate"]
        for p in d.person["positions"]
        if p["schoolNumber"] == "010" and p["startDate"] == "2026-09-01"
    ] == ["2027-06-30"]
    current = d.person["household"]["householdLocations"][0]
    assert current["address"]["line"] == "4321 N LEXINGTON AVE SE APT 45"
    assert current["endDate"] is None
