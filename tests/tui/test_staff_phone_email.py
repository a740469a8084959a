"""R-DEMO-5 in the Campus staff edit screen: a phone or an e-mail in another form is refused
next to its field, naming the expected form, and nothing is written."""

from __future__ import annotations

from sqlalchemy import select

from bo_tui.core.preferences import set_preferences
from bo_tui.store.models import Person
from bo_tui.tui.screens.staff_edit import StaffForm

from .conftest import make_app, settle
from .test_staff import open_person, person_of, staff_store


async def test_R_DEMO_5_the_edit_screen_refuses_a_bad_phone_and_email():
    store = staff_store("staff-demo5")
    with store.transaction() as s:
        set_preferences(s, {"staffDemographics": "off"})
    pid = person_of(store, "10020")
    with store.session() as s:
        before = s.execute(
            select(Person.work_phone, Person.work_email).where(Person.id == pid)
        ).one()
    app = make_app(store)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_person(pilot, pid)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StaffForm)
        form.query_one("#field-workPhone").value = "abc"
        form.query_one("#field-workEmail").value = "not-an-email"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # refused: the form stays with the errors beside the fields
        phone = str(form.query_one("#error-workPhone").render())
        email = str(form.query_one("#error-workEmail").render())
        assert form.query_one("#error-workPhone").display and "573" in phone
        assert form.query_one("#error-workEmail").display and "@" in email
        form.query_one("#field-workPhone").value = "(573) 555-0142 x6033"
        form.query_one("#field-workEmail").value = "pat.lee@k12.mo.us"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    with store.session() as s:
        after = s.execute(
            select(Person.work_phone, Person.work_email).where(Person.id == pid)
        ).one()
    assert before != after
    assert after == ("(573) 555-0142 x6033", "pat.lee@k12.mo.us")  # stored as sent
