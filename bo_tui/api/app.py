"""The FastAPI application factory: routes of SPEC section 4, the token endpoint, error
handling, the boundary guard, and the OpenAPI document with Swagger UI served offline."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..core import credentials as cred
from ..core.schemas import Position, StaffMemberCreate, StaffMemberUpdate
from ..store import Store
from . import errors
from .auth import router as auth_router
from .boundary import Boundary
from .routes import router as boi_router

log = logging.getLogger("bo_tui.api")
BASE = cred.BASE_PATH
OPENAPI_URL = BASE + "/openapi.json"
STATIC = BASE + "/documentation/static"

DESCRIPTION = """\
The district side of the Business Office Integration: the HR system sends its staff here.

1. Get a token: `POST /campus/oauth2/token?appName={appName}` with
   `grant_type=client_credentials&client_id=…&client_secret=…` (or HTTP Basic).
2. Send `Authorization: Bearer <access_token>` on every call below.

Every 4xx answers `{"message": …, "errors": [{"field": "positions[0].schoolNumber", "message": …}]}`,
with every format and rule error of the payload in one answer.
A request body over 10 MB is 413; a sync transfer batch over 1,000 records is 413.
Dates are `YYYY-MM-DD`. Phones are North American numbers (`573-555-0142`, `(573) 555-0142`,
`+1 573 555 0142`, optionally `x6033`), e-mails `local@domain.tld`; both are stored as sent.
Text never holds NUL (U+0000). Codes (gender, schoolNumber, assignmentCode) are those of the
reference lists below; an unknown one is a 400 naming the field.

A sync: `startSync` → `transferStaffMembers` (batches of at most 1,000) → `endSync` →
`validateSync` → `commitSync` (or `submitCommitJob` and `getCommitJobStatus`) → `getSyncStatus`.
"""

TAGS = [
    {"name": "OAuth2", "description": "the access token (client credentials)"},
    {"name": "Reference", "description": "Campus codes to map HR data to (R-REF-1)"},
    {"name": "Staff", "description": "staff members and their positions (R-DEMO, R-POS)"},
    {"name": "Addresses", "description": "Campus addresses an HR system can reuse (R-ADDR-6)"},
    {"name": "Sync", "description": "the staff synchronization (SPEC section 6)"},
]
# The request bodies' schemas: read by the adapter itself (never FastAPI's 422), so they are
# added to the document here, with what a create requires (R-DEMO-1, R-POS-3).
REQUEST_MODELS = (StaffMemberCreate, StaffMemberUpdate, Position)


def _swagger_dir() -> Path | None:
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(swagger_ui_path)
    return path if (path / "swagger-ui-bundle.js").exists() else None


def _openapi(app: FastAPI, store: Store, public_url: str | None):
    def build() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title="Business Office Integration API",
            version=__version__,
            description=DESCRIPTION,
            routes=app.routes,
            tags=TAGS,
        )
        if public_url:
            schema["servers"] = [{"url": public_url.rstrip("/")}]
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in REQUEST_MODELS:
            js = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in js.pop("$defs", {}).items():
                comps[name] = sub
            comps[model.__name__] = js
        try:
            with store.session() as session:
                app_name = cred.app_name(session)
        except Exception:  # an empty or unreachable store: the document still renders
            app_name = None
        token_url = cred.TOKEN_PATH + (f"?appName={app_name}" if app_name else "")
        schema["components"]["securitySchemes"] = {
            "oauth2": {
                "type": "oauth2",
                "description": "OAuth2 client credentials; the client id and secret are on the "
                "district's API Credentials screen (`bo-tui credentials --reveal`).",
                "flows": {"clientCredentials": {"tokenUrl": token_url, "scopes": {}}},
            }
        }
        error_ref = {"$ref": "#/components/schemas/ErrorBody"}
        for path, ops in schema.get("paths", {}).items():
            for op in ops.values():
                # This API never answers 422: bad parameters are 400 naming the field.
                op.get("responses", {}).pop("422", None)
                op.setdefault("responses", {})["503"] = {
                    "description": "the store is busy; retry after Retry-After seconds",
                    "content": {"application/json": {"schema": error_ref}},
                }
                if path.startswith(BASE):
                    op["security"] = [{"oauth2": []}]
        for name in ("HTTPValidationError", "ValidationError"):
            comps.pop(name, None)
        app.openapi_schema = schema
        return schema

    return build


def create_app(store: Store, *, public_url: str | None = None) -> FastAPI:
    """The API over ``store``. ``public_url`` (e.g. behind a reverse proxy) goes into the
    OpenAPI ``servers``; the login throttle lives in this app's memory."""
    app = FastAPI(
        title="Business Office Integration API",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL,
    )
    app.state.store = store
    app.state.public_url = public_url
    app.state.throttle = cred.FailureThrottle()
    errors.install(app)
    app.include_router(auth_router)
    app.include_router(boi_router, prefix=BASE)
    try:
        from .sync_routes import router as sync_router
    except ImportError:  # the sync engine has not landed in this build
        sync_router = None
    if sync_router is not None:
        app.include_router(sync_router, prefix=BASE)

    swagger = _swagger_dir()
    if swagger is not None:
        app.mount(STATIC, StaticFiles(directory=swagger), name="swagger-static")

    @app.get(BASE + "/documentation", include_in_schema=False)
    async def documentation(request: Request):
        kwargs = {}
        if swagger is not None:
            kwargs = dict(
                swagger_js_url=STATIC + "/swagger-ui-bundle.js",
                swagger_css_url=STATIC + "/swagger-ui.css",
                swagger_favicon_url=STATIC + "/favicon-32x32.png",
            )
        # Without the bundled assets FastAPI's default points at a CDN (see docs/api.md).
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="Business Office Integration API",
            swagger_ui_parameters={"persistAuthorization": False, "tryItOutEnabled": True},
            **kwargs,
        )

    app.openapi = _openapi(app, store, public_url)
    app.add_middleware(Boundary, store=store)
    return app
