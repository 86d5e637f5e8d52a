"""The audit trail for admins: GET /admin/audit (a page) and /admin/audit.csv (a download),
each showing only the organisation of the admin's link."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from adapters.web.dashboard import render
from adapters.web.gate import Gate
from adapters.web.tables import Table, to_csv
from bot.service.audit import AuditEntry, list_audit
from bot.service.policy import Action

HEADERS = ("When (UTC)", "Door", "Who", "Member id", "What", "Where", "Before", "After")


def audit_table(entries: list[AuditEntry]) -> Table:
    return Table(
        name="audit",
        title="Audit trail",
        headers=HEADERS,
        rows=[
            (
                f"{e.at:%Y-%m-%d %H:%M:%S}",
                e.door,
                e.actor_name,
                e.actor_id,
                e.action,
                e.target,
                _changes(e.before),
                _changes(e.after),
            )
            for e in entries
        ],
    )


def _changes(values: Any) -> str:
    return "" if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)


def audit_router(gate: Gate) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/admin/audit", response_class=HTMLResponse)
    async def page(request: Request) -> Response:
        grant = gate.browser(request)
        await gate.require(grant, Action.READ_AUDIT)
        entries = await list_audit(gate.core, grant.platform, grant.workspace)
        return render(
            request, "dashboard/audit.html", {"grant": grant, "table": audit_table(entries)}
        )

    @router.get("/admin/audit.csv")
    async def download(request: Request) -> Response:
        grant = gate.browser(request)
        await gate.require(grant, Action.READ_AUDIT)
        entries = await list_audit(gate.core, grant.platform, grant.workspace)
        return Response(
            to_csv(audit_table(entries)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )

    return router
