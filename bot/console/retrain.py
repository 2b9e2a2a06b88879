"""The console's retrain page: start a retrain and watch its progress (see bot.retraining)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from bot import retraining
from bot.console.web import audit, render, require


async def status_page(request: Request) -> Response:
    account = await require(request, "staff")
    job = await run_in_threadpool(retraining.latest_job)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"job": job})
    return render(account, "retrain.html", job=job)


async def start(request: Request) -> Response:
    account = await require(request, "staff")
    try:
        job_id = await run_in_threadpool(retraining.start, request.app.state.settings, account.username)
    except retraining.RetrainBusy as error:
        raise HTTPException(409, str(error)) from None
    await run_in_threadpool(audit, account.username, "retrain", f"job {job_id}")
    return RedirectResponse("/console/faq/retrain", status_code=303)
