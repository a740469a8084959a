"""The sync routes of SPEC section 4 (``/staffMembers/sync/…``) over the sync engine
(R-SYNC-1..6, R-SYNC-11): start, transfer (at most 1,000 per batch), end, validate, commit,
submitCommitJob, commitJobStatus and status. Wrong-state calls are the engine's Conflicts (409)."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from ..core import sync
from ..core.errors import FieldError, NotFound
from ..core.sync.staging import Origin
from . import models
from .auth import require_token
from .body import MAX_BATCH, read_json
from .errors import ApiError, ErrorBody, documented, field_error
from .routes import CREATE_EXAMPLE, in_transaction

router = APIRouter(
    prefix="/staffMembers/sync", dependencies=[Depends(require_token)], tags=["Sync"]
)
SUBMITTED_BY = "HR system (API)"


class TransferRejectedOut(ErrorBody):
    """400 of a transfer: the SPEC's error body plus, when records were checked, ``accepted``
    and ``rejected`` (absent when the body itself was unreadable)."""

    accepted: int | None = None
    rejected: list[models.RejectedOut] | None = None


TRANSFER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "maxItems": MAX_BATCH,
                    "description": f"at most {MAX_BATCH:,} staff members, each as a create "
                    "(a longer batch is 413)",
                    "items": {"$ref": "#/components/schemas/StaffMemberCreate"},
                },
                "example": [
                    CREATE_EXAMPLE,
                    {"staffNumber": "HR10002", "lastName": "Berg", "firstName": "Lena"},
                ],
            }
        },
    }
}


async def _run_with_store(fn, *args, **kwargs):
    return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))


@router.post(
    "/start",
    operation_id="startSync",
    summary="Start a sync",
    response_model=models.SyncInfoOut,
    responses=documented(401, 409),
)
async def start(request: Request):
    """Start the data transfer (R-SYNC-1): one open sync per district."""
    info = await in_transaction(request, sync.start, SUBMITTED_BY)
    return info.model_dump(mode="json")


@router.post(
    "/transfer",
    operation_id="transferStaffMembers",
    summary="Transfer a batch of staff members",
    response_model=models.TransferOut,
    responses={
        400: {
            "model": TransferRejectedOut,
            "description": "some records were rejected, each with all of its format and "
            "rule errors (the valid ones are staged)",
        },
        **documented(401, 409, 413),
    },
    openapi_extra=TRANSFER_BODY,
)
async def transfer(request: Request):
    """Transfer a batch (R-SYNC-2): a JSON array of at most 1,000 staff members. 200 when all
    were accepted; 400 when any was rejected, with its errors (the valid ones are staged)."""
    records = await read_json(request)
    if not isinstance(records, list):
        raise field_error(400, "body", "must be a JSON array of staff members")
    if len(records) > MAX_BATCH:
        raise field_error(
            413, "body", f"a transfer batch holds at most {MAX_BATCH:,} records; split it"
        )
    origins = [
        Origin(path=f"[{i}]", locate=lambda _f, i=i: {"index": i}) for i in range(len(records))
    ]
    result = await in_transaction(request, sync.transfer, records, origins=origins)
    body = result.model_dump(mode="json")
    if not result.rejected:
        return body
    errors = [
        FieldError(
            f"[{e.get('index', '?')}].{e['field']}".replace(".body", "")
            if e.get("field")
            else "body",
            e["message"],
        )
        for item in result.rejected
        for e in item.errors
    ]
    n = len(result.rejected)
    message = f"{n:,} of {len(records):,} staff members were rejected; {result.accepted:,} staged"
    raise ApiError(
        400,
        message,
        errors[:1000],
        body={
            **body,
            "message": message,
            "errors": [{"field": e.field, "message": e.message} for e in errors[:1000]],
        },
    )


@router.post(
    "/end",
    operation_id="endSync",
    summary="End the transfer",
    response_model=models.SyncInfoOut,
    responses=documented(401, 409),
)
async def end(request: Request):
    """End the transfer (R-SYNC-3): only after at least one record was transferred."""
    info = await in_transaction(request, sync.end)
    return info.model_dump(mode="json")


@router.post(
    "/validate",
    operation_id="validateSync",
    summary="Validate: the report",
    response_model=models.ReportOut,
    responses=documented(400, 401, 409),
)
async def validate(
    request: Request, details: Annotated[bool, Query(description="include the rows")] = True
):
    """The validation report (R-SYNC-4): summary counts and, by default, every row."""
    report = await in_transaction(request, sync.validate, details=details)
    return report.as_dict()


@router.post(
    "/commit",
    operation_id="commitSync",
    summary="Commit now",
    response_model=models.CommitOut,
    responses=documented(401, 409),
)
async def commit(request: Request):
    """Commit now (R-SYNC-5; meant for fewer than 500 staff). 409 in the wrong state or while
    the mass-change guard waits for the district's confirmation (R-SYNC-9)."""
    store = request.app.state.store
    result = await _run_with_store(sync.commit, store, SUBMITTED_BY)
    return result.as_dict()


@router.post(
    "/submitCommitJob",
    operation_id="submitCommitJob",
    summary="Commit as a background job",
    status_code=202,
    response_model=models.JobIdOut,
    responses=documented(401, 409),
)
async def submit_commit_job(request: Request):
    """Start a background commit job (R-SYNC-6); follow it with commitJobStatus."""
    store = request.app.state.store
    job_id = await _run_with_store(sync.submit_commit_job, store, SUBMITTED_BY)
    return JSONResponse({"jobId": job_id}, status_code=202)


@router.get(
    "/commitJobStatus",
    operation_id="getCommitJobStatus",
    summary="Status of the last commit job",
    response_model=models.JobStatusOut,
    responses=documented(401, 404),
)
async def commit_job_status(request: Request):
    """The last commit job: jobId, status, processed, total, failures, startedAt, finishedAt."""

    def work(session):
        status = sync.job_status(session)
        if status is None:
            raise NotFound(
                "no commit job was submitted yet", [FieldError("jobId", "no commit job yet")]
            )
        return status.model_dump(mode="json")

    return await in_transaction(request, work)


@router.get(
    "/status",
    operation_id="getSyncStatus",
    summary="Status of the sync",
    response_model=models.SyncStatusOut,
    responses=documented(401),
)
async def sync_status(request: Request):
    """The open (or last) sync's state and counts, and its last commit job (R-SYNC-11), as
    ``bo-tui sync status --json`` shows them."""
    status = await in_transaction(request, sync.status)
    return status.model_dump(mode="json")
