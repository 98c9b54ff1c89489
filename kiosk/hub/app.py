"""The hub's HTTP face: the `/v1` JSON API of kiosk/sync/PROTOCOL.md and the dashboard at `/`.

FastAPI on uvicorn. Handlers read the raw body themselves (bounded in size) and hand the work
to a thread, where the storage modules run one transaction each; credentials are checked
before a body is even parsed, so a stranger's request gets 401 whatever it sends. Errors answer
`{"error": code, "detail": sentence}`; a database that cannot be reached answers 503, which a
kiosk treats like a dropped connection and retries. The app holds only an engine (a pool of
connections) and the hub's identity, read from the database: any number of hub processes can
serve one PostgreSQL database. The dashboard needs no credentials: it shows only the report,
whose small counts are suppressed.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from kiosk import __version__
from kiosk.hub import catalog, dashboard, enroll, ingest, report, wire
from kiosk.hub.errors import HubError, NotFound, TooLarge
from kiosk.hub.storage import identity, open_engine, reading

log = logging.getLogger(__name__)

MAX_BODY = 16 << 20  # a batch of 1000 events is about 0.5 MB; leave room, refuse abuse


def _error(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status)


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge(f"The request body is larger than {MAX_BODY} bytes.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge(f"The request body is larger than {MAX_BODY} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(url: str, bundles: Path | None = None) -> FastAPI:
    """The hub app on database `url` (tables created if missing), offering `bundles`."""
    engine = open_engine(url)
    hub = identity(engine)
    app = FastAPI(title="Kiosk hub", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.state.engine = engine
    app.state.hub = hub

    @app.exception_handler(HubError)
    async def _hub_error(_request: Request, error: HubError) -> JSONResponse:
        return _error(error.status, error.code, error.detail)

    @app.exception_handler(HTTPException)
    async def _http_error(_request: Request, error: HTTPException) -> JSONResponse:
        code = "not_found" if error.status_code == 404 else "bad_request"
        return _error(error.status_code, code, str(error.detail))

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def _db_error(_request: Request, error: Exception) -> JSONResponse:
        log.error("database error: %s", error)
        return _error(503, "unavailable", "The hub's database is not available; try again.")

    def _caller(headers: Any) -> Any:
        with reading(engine) as connection:
            return enroll.authenticate(connection, headers.get("x-kiosk-id"),
                                       headers.get("authorization"))

    @app.get("/v1/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "hub_id": hub.hub_id}

    @app.post("/v1/enroll")
    async def enroll_kiosk(request: Request) -> JSONResponse:
        asked = wire.json_body(await _body(request))
        done = await run_in_threadpool(enroll.enroll_online, engine, asked)
        return JSONResponse({"kiosk_id": done.kiosk_id, "token": done.token,
                             "hub_id": hub.hub_id, "hub_public_key": hub.public_key,
                             "commune": done.commune})

    @app.post("/v1/events")
    async def push(request: Request) -> JSONResponse:
        raw = await _body(request)
        headers = request.headers

        def work() -> ingest.Stored:
            return ingest.push(engine, headers.get("x-kiosk-id"),
                               headers.get("authorization"), raw)

        return JSONResponse((await run_in_threadpool(work)).answer())

    @app.get("/v1/catalog")
    def catalog_list(request: Request) -> JSONResponse:
        _caller(request.headers)
        return JSONResponse({"bundles": [b.entry() for b in catalog.scan(bundles)]})

    @app.get("/v1/bundles/{bundle_id}/{version}")
    def bundle_file(request: Request, bundle_id: str, version: str) -> FileResponse:
        _caller(request.headers)
        found = catalog.find(bundles, bundle_id, version)
        if found is None:
            raise NotFound(f"No bundle {bundle_id} version {version} on this hub.")
        return FileResponse(found.path, media_type="application/zip",
                            filename=found.path.name, headers={"etag": f'"{found.sha256}"'})

    @app.get("/v1/report")
    def report_json(request: Request) -> JSONResponse:
        _caller(request.headers)
        return JSONResponse(report.build_report(engine, catalog.lesson_facts(bundles)))

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        built = report.build_report(engine, catalog.lesson_facts(bundles))
        return HTMLResponse(dashboard.render(built))

    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port), IPv4 or IPv6."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family)


def make_server(app: FastAPI, log_level: str = "info") -> uvicorn.Server:
    config = uvicorn.Config(app, log_level=log_level, access_log=False,
                            timeout_graceful_shutdown=5)
    return uvicorn.Server(config)
