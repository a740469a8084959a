"""Tool rights a User can hold; screens and services check them by these names."""

from __future__ import annotations

BOI_ADMIN = "boi_admin"  # Business Office Integration: sync, preferences, error log
CREDENTIALS = "boi_credentials"  # see the API credentials and generate a new secret
SHOW_SECRET = "boi_show_secret"  # reveal the client secret
REVEAL_SSN = "reveal_ssn"  # see SSNs unmasked
DISTRICT_EMPLOYMENT = "district_employment"  # may receive HR notifications (R-NOTE-2)
DISTRICT_ASSIGNMENTS = "district_assignments"  # may receive HR notifications (R-NOTE-2)
STAFF_EDIT = "staff_edit"  # edit staff in the Campus UI (within the locks of R-PREF-1)
COMBINE_PERSON = "combine_person"
USER_ADMIN = "user_admin"
SUPPORT_STAFF = "support_staff"  # Campus Support: replies on cases (SPEC section 8)
HISTORY_READ = "boi_history"  # read the change history of staff data (R-HIST-3)

ALL = {
    BOI_ADMIN: "Business Office Integration administration",
    CREDENTIALS: "Business Office API Credentials",
    SHOW_SECRET: "Show the API client secret",
    REVEAL_SSN: "Reveal SSNs",
    DISTRICT_EMPLOYMENT: "District Employment",
    DISTRICT_ASSIGNMENTS: "District Assignments",
    STAFF_EDIT: "Edit staff (Campus UI)",
    COMBINE_PERSON: "Combine Person",
    USER_ADMIN: "User accounts and tool rights",
    SUPPORT_STAFF: "Campus Support staff",
    HISTORY_READ: "Read the change history",
}
