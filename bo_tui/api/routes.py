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
from ..core.schemas import IsoDate, parse_position, parse_staff
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


def body_schema(ref: str) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": ref}}},
        }
    }


STAFF_BODY = body_schema("#/components/schemas/StaffMemberIn")
POSITION_BODY = body_schema("#/components/schemas/PositionIn")


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
    "/schools", response_model=list[models.School], tags=["Reference"], responses=documented(401)
)
async def schools(request: Request):
    """The Campus schools: ``schoolNumber`` to use in positions."""
    return await in_transaction(request, reference.list_schools)


@router.get(
    "/attributes/genders",
    response_model=list[models.CodeName],
    tags=["Reference"],
    responses=documented(401),
)
async def genders(request: Request):
    return await in_transaction(request, reference.list_genders)


@router.get(
    "/attributes/assignmentCodes",
    response_model=list[models.CodeName],
    tags=["Reference"],
    responses=documented(401),
)
async def assignment_codes(request: Request):
    return await in_transaction(request, reference.list_assignment_codes)


@router.get(
    "/attributes/titles",
    response_model=list[models.CodeName],
    tags=["Reference"],
    responses=documented(401),
)
async def titles(request: Request):
    return await in_transaction(request, reference.list_titles)


# --- staff members -----------------------------------------------------------------------


@router.get(
    "/staffMembers",
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

    def work(session):
        page = staff.search_staff(session, limit=limit, offset=offset, **filters)
        total = staff.count_staff(session, **filters)
        return {
            "items": [item.model_dump(mode="json") for item in page.items],
            "offset": offset,
            "limit": limit,
            "total": total,
        }

    return await in_transaction(request, work)


@router.get(
    "/staffMembers/{staffNumber}",
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
    status_code=201,
    response_model=models.StaffResultOut,
    tags=["Staff"],
    responses=documented(400, 401, 409, 413),
    openapi_extra=STAFF_BODY,
)
async def create_staff(request: Request):
    """Create a staff member (R-DEMO-1): staffNumber, lastName, firstName required. 409 when
    the staff number exists."""
    payload = parse_staff(require_object(await read_json(request)))
    result = await in_transaction(request, staff.create_staff, payload)
    return JSONResponse(_result(result), status_code=201)


@router.put(
    "/staffMembers/{staffNumber}",
    response_model=models.StaffResultOut,
    tags=["Staff"],
    responses=documented(400, 401, 404, 409, 413),
    openapi_extra=STAFF_BODY,
)
async def update_staff(request: Request, staffNumber: StaffNumberPath):
    """Update: an absent key leaves the value, null clears it; positions, employments and
    household when sent are applied by R-POS-7, R-EMP-2, R-HH-*; warnings in the answer."""
    payload = parse_staff(require_object(await read_json(request)))
    result = await in_transaction(request, staff.update_staff, staffNumber, payload)
    return _result(result)


@router.post(
    "/staffMembers/{staffNumber}/position",
    status_code=201,
    response_model=models.StaffResultOut,
    tags=["Staff"],
    responses=documented(400, 401, 404, 409, 413),
    openapi_extra=POSITION_BODY,
)
async def add_position(request: Request, staffNumber: StaffNumberPath):
    """Add a position: schoolNumber, startDate and titleCode or assignmentCode (R-POS-3)."""
    position = parse_position(require_object(await read_json(request)))
    result = await in_transaction(request, positions_core.add_position, staffNumber, position)
    return JSONResponse(_result(result), status_code=201)


@router.put(
    "/staffMembers/{staffNumber}/position",
    response_model=models.UpdatedOut,
    tags=["Staff"],
    responses=documented(400, 401, 404, 409, 413),
    openapi_extra=POSITION_BODY,
)
async def update_positions(request: Request, staffNumber: StaffNumberPath):
    """Update every matching position (R-POS-5); 404 when none matches."""
    position = parse_position(require_object(await read_json(request)))
    n = await in_transaction(request, positions_core.update_positions, staffNumber, position)
    return {"updated": n}


# --- addresses (R-ADDR-6) ----------------------------------------------------------------

Part = Annotated[str | None, Query(max_length=100)]


@router.get(
    "/addresses",
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
    return await in_transaction(request, addresses.search, limit=limit, offset=offset, **given)
