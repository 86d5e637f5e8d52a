"""GET /healthz: is the database reachable and which exam pack is loaded."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.service.context import Core
from bot.storage.database import DatabaseUnavailableError


def health_router(core: Core) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz")
    async def healthz() -> JSONResponse:
        try:
            await core.db.check()
        except DatabaseUnavailableError:
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"}, status_code=503
            )
        return JSONResponse(
            {
                "status": "ok",
                "database": core.db.dialect,
                "exam": core.pack.exam.code,
                "questions": len(core.pack.questions),
            }
        )

    return router
