"""The routes of SPEC section 4 under ``/campus/api/businessOfficeIntegration``: reference
lists (R-REF-1), staff members (R-DEMO-*, R-POS-*, R-SRCH-1), addresses (R-ADDR-6).
Each route reads its input, makes one core call in one transaction, renders the result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from ..core import addresses, reference, staff
from ..core import positions as positions_core
from ..core.queries import AddressQuery, StaffQuery
from ..core.schemas import (
    IsoDate,
    parse_position,
    parse_staff,
    partial_payload,
    with_format_errors,
)
from . import models
from .auth import require_token
from .body import check_text, read_json, require_object
from .errors import documented

router = APIRouter(dependencies=[Depends(require_token)])

STAFF_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9\-_.]*$"
StaffNumberPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        pattern=STAFF_NUMBER_PATTERN,
        description="the Local Staff Number",
    ),
]


def body_schema(ref: str, example: Any) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": ref}, "example": example}},
        }
    }


# Examples use the demo district's reference lists (bo-tui demo): school 010, gender F,
# assignment 20, title 035E4EAB.
POSITION_EXAMPLE = {
    "schoolNumber": "010",
    "assignmentCode": "20",
    "titleCode": "035E4EAB",
    "startDate": "2024-08-01",
}
CREATE_EXAMPLE = {
    "staffNumber": "HR10001",
    "lastName": "Okafor",
    "firstName": "Ada",
    "gender": "F",
    "ssn": "123-45-6789",
    "birthDate": "1980-04-02",
    "workPhone": "(573) 555-0142 x6033",
    "workEmail": "ada.okafor@example.org",
    "employments": [{"hireDate": "2024-08-01"}],
    "positions": [POSITION_EXAMPLE],
    "household": {
        "householdLocations": [
            {
                "address": {
                    "fullStreetAddress": "4321 North Lexington Avenue",
                    "city": "Jefferson City",
                    "state": "MO",
                    "zip": "65101",
                },
                "mailing": True,
                "physical": True,
            }
        ]
    },
}
UPDATE_EXAMPLE = {
    "lastName": "Okafor-Reyes",
    "cellPhone": "+1 573 555 0199",
    "employments": [{"hireDate": "2024-08-01", "terminationDate": "2026-06-30"}],
}
CREATE_BODY = body_schema("#/components/schemas/StaffMemberCreate", CREATE_EXAMPLE)
UPDATE_BODY = body_schema("#/components/schemas/StaffMemberUpdate", UPDATE_EXAMPLE)
POSITION_BODY = body_schema("#/components/schemas/Position", POSITION_EXAMPLE)
MATCH_BODY = body_schema(
    "#/components/schemas/Position", {**POSITION_EXAMPLE, "endDate": "2026-06-30"}
)


async def in_transaction(request: Request, fn: Callable[..., Any], *args, **kwargs) -> Any:
    """Run one core service in one transaction, off the event loop."""
    store = request.app.state.store

    def work():
        with store.transaction() as session:
            return fn(session, *args, **kwargs)

    return await anyio.to_thread.run_sync(work)


def _result(result) -> dict:
    return result.model_dump(mode="json", exclude={"personId"})


# --- reference lists (R-REF-1) -----------------------------------------------------------


@router.get(
    "/schools",
    operation_id="listSchools",
    summary="List the Campus schools",
    response_model=list[models.School],
    tags=["Reference"],
    responses=documented(401),
)
async def schools(request: Request):
    """The Campus schools: ``schoolNumber`` to use in positions."""
    return await in_transaction(request, reference.list_schools)


@router.get(
    "/attributes/genders",
    operation_id="listGenders",
    summary="List the Campus gender codes",
    response_model=list[models.CodeName],
    tags=["Reference"],
    responses=documented(401),
)
async def genders(request: Request):
    """The Campus gender codes a staff member's ``gender`` takes (R-DEMO-2)."""
    return await in_transaction(request, reference.list_genders)


@router.get(
    "/attributes/assignmentCodes",
    operation_id="listAssignmentCodes",
    summary="List the Campus assignment codes",
    response_model=list[models.CodeName],
    tags=["Reference"],
    responses=documented(401),
)
async def assignment_codes(request: Request):
    """The Campus assignment codes a position's ``assignmentCode`` takes (R-POS-2)."""
    return await in_transaction(request, reference.list_assignment_codes)


@router.get(
    "/attributes/titles",
    operation_id="listTitles",
    summary="List the Campus title codes",
    response_model=list[models.CodeName],
    tags=["Reference"],
    responses=documented(401),
)
async def titles(request: Request):
    """The Campus title codes; an unknown ``titleCode`` is created (R-POS-4)."""
    return await in_transaction(request, reference.list_titles)


# --- staff members -----------------------------------------------------------------------


@router.get(
    "/staffMembers",
    operation_id="searchStaffMembers",
    summary="Search staff members",
    response_model=models.StaffSearchOut,
    tags=["Staff"],
    responses=documented(400, 401),
)
async def search_staff(
    request: Request,
    staffNumber: Annotated[str | None, Query(max_length=40)] = None,
    lastName: Annotated[str | None, Query(max_length=100)] = None,
    firstName: Annotated[str | None, Query(max_length=100)] = None,
    birthDate: Annotated[IsoDate, Query(description="YYYY-MM-DD")] = None,
    limit: Annotated[int, Query(ge=1, le=staff.SEARCH_MAX)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
):
    """Search by any subset of staffNumber, lastName, firstName, birthDate (R-SRCH-1)."""
    filters = {
        "staffNumber": staffNumber,
        "lastName": lastName,
        "firstName": firstName,
        "birthDate": birthDate,
    }
    for name in ("staffNumber", "lastName", "firstName"):
        check_text(name, filters[name])

    query = StaffQuery(**filters)

    def work(session):
        items = query.page(session, offset, limit)
        total = query.count(session)
        return {
            "items": [item.model_dump(mode="json") for item in items],
            "offset": offset,
            "limit": limit,
            "total": total,
        }

    return await in_transaction(request, work)


@router.get(
    "/staffMembers/{staffNumber}",
    operation_id="getStaffMember",
    summary="Get one staff member",
    response_model=models.StaffMemberOut,
    tags=["Staff"],
    responses=documented(400, 401, 404, 409),
)
async def get_staff(request: Request, staffNumber: StaffNumberPath):
    """One staff member with identity history; SSN masked. 409 when the number is duplicated
    in Campus (dirty data)."""
    return await in_transaction(request, staff.get_staff, staffNumber)


@router.post(
    "/staffMembers",
    operation_id="createStaffMember",
    summary="Create a staff member",
    status_code=201,
    response_model=models.StaffResultOut,
    tags=["Staff"],
    responses=documented(400, 401, 409, 413),
    openapi_extra=CREATE_BODY,
)
async def create_staff(request: Request):
    """Create a staff member (R-DEMO-1): staffNumber, lastName, firstName required. 409 when
    the staff number exists. A 400 lists every format and rule error of the payload."""
    payload, errors = partial_payload(parse_staff, require_object(await read_json(request)))
    result = await in_transaction(request, with_format_errors(staff.create_staff, errors), payload)
    return JSONResponse(_result(result), status_code=201)


@router.put(
    "/staffMembers/{staffNumber}",
    operation_id="updateStaffMember",
    summary="Update a staff member",
    response_model=models.StaffResultOut,
    tags=["Staff"],
    responses=documented(400, 401, 404, 409, 413),
    openapi_extra=UPDATE_BODY,
)
async def update_staff(request: Request, staffNumber: StaffNumberPath):
    """Update: an absent key leaves the value, null clears it; positions, employments and
    household when sent are applied by R-POS-7, R-EMP-2, R-HH-*; warnings in the answer."""
    payload, errors = partial_payload(parse_staff, require_object(await read_json(request)))
    result = await in_transaction(
        request, with_format_errors(staff.update_staff, errors), staffNumber, payload
    )
    return _result(result)


@router.post(
    "/staffMembers/{staffNumber}/position",
    operation_id="addPosition",
    summary="Add a position",
    status_code=201,
    response_model=models.StaffResultOut,
    tags=["Staff"],
    responses=documented(400, 401, 404, 409, 413),
    openapi_extra=POSITION_BODY,
)
async def add_position(request: Request, staffNumber: StaffNumberPath):
    """Add a position: schoolNumber, startDate and titleCode or assignmentCode (R-POS-3)."""
    position, errors = partial_payload(parse_position, require_object(await read_json(request)))
    result = await in_transaction(
        request, with_format_errors(positions_core.add_position, errors), staffNumber, position
    )
    return JSONResponse(_result(result), status_code=201)


@router.put(
    "/staffMembers/{staffNumber}/position",
    operation_id="updatePositions",
    summary="Update matching positions",
    response_model=models.UpdatedOut,
    tags=["Staff"],
    responses=documented(400, 401, 404, 409, 413),
    openapi_extra=MATCH_BODY,
)
async def update_positions(request: Request, staffNumber: StaffNumberPath):
    """Update every matching position (R-POS-5): those with the school, title and/or
    assignment and startDate get the endDate; else those with the endDate get the startDate.
    404 when none matches."""
    position, errors = partial_payload(parse_position, require_object(await read_json(request)))
    n = await in_transaction(
        request, with_format_errors(positions_core.update_positions, errors), staffNumber, position
    )
    return {"updated": n}


# --- addresses (R-ADDR-6) ----------------------------------------------------------------

Part = Annotated[str | None, Query(max_length=100)]


@router.get(
    "/addresses",
    operation_id="searchAddresses",
    summary="Search Campus addresses",
    response_model=list[models.AddressOut],
    tags=["Addresses"],
    responses=documented(400, 401),
)
async def search_addresses(
    request: Request,
    number: Part = None,
    prefix: Part = None,
    street: Part = None,
    tag: Part = None,
    direction: Part = None,
    apt: Part = None,
    city: Part = None,
    state: Part = None,
    zip: Part = None,  # noqa: A002 - the payload's name
    fullStreetAddress: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=addresses.MAX_SEARCH)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
):
    """Campus addresses matching the normalized components, or a ``fullStreetAddress`` (never
    both, R-ADDR-1), each with its ``addressId`` so the HR system can reuse it."""
    given = dict(
        number=number,
        prefix=prefix,
        street=street,
        tag=tag,
        direction=direction,
        apt=apt,
        city=city,
        state=state,
        zip=zip,
        fullStreetAddress=fullStreetAddress,
    )
    for name, value in given.items():
        check_text(name, value)
    query = AddressQuery(**given)
    return await in_transaction(request, query.page, offset, limit)
