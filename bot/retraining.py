"""The console's "retrain": train a candidate model with the staff's example questions, evaluate it
on the held-out set, and swap it into the running Rasa server only when it is not worse.

Runs in a background thread of the gateway; each step is written to the job's row so the console
can show progress. Training and evaluation run as subprocesses (the gateway never loads a model).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import httpx
from sqlalchemy import select

from bot.db.faq_editor_repository import examples
from bot.db.models import RetrainJob, utcnow
from bot.db.session import session_scope
from bot.evaluation import Example, write_examples
from bot.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)

CANDIDATES_DIR = PROJECT_ROOT / "models" / "candidates"


class RetrainBusy(RuntimeError):
    """A retrain is already running."""


def latest_job() -> dict | None:
    with session_scope() as session:
        job = session.scalars(select(RetrainJob).order_by(RetrainJob.id.desc())).first()
        if job is None:
            return None
        return {"id": job.id, "status": job.status, "step": job.step, "detail": job.detail or "",
                "started_by": job.started_by, "started_at": job.started_at.strftime("%Y-%m-%d %H:%M"),
                "finished_at": job.finished_at.strftime("%Y-%m-%d %H:%M") if job.finished_at else ""}


def _update(job_id: int, **values: object) -> None:
    with session_scope() as session:
        job = session.get(RetrainJob, job_id)
        for name, value in values.items():
            setattr(job, name, value)
        if values.get("status") in ("swapped", "kept", "failed"):
            job.finished_at = utcnow()


def start(settings: Settings, username: str) -> int:
    """Start a retrain in the background; raises RetrainBusy if one is running."""
    with session_scope() as session:
        running = session.scalars(select(RetrainJob).where(RetrainJob.status == "running")).first()
        if running is not None:
            raise RetrainBusy(f"Retrain {running.id} is still running ({running.step}).")
        job = RetrainJob(status="running", step="starting", started_by=username)
        session.add(job)
        session.flush()
        job_id = job.id
    threading.Thread(target=run, args=(job_id, settings), name=f"retrain-{job_id}", daemon=True).start()
    return job_id


def write_training_data(target: Path) -> int:
    """Copy nlu_data/ to `target` and add the console's example questions; returns how many."""
    shutil.copytree(PROJECT_ROOT / "nlu_data", target)
    with session_scope() as session:
        added = [Example(e.text, e.intent, e.language) for e in examples(session=session)]
    write_examples(target, added, "console_examples.yml")
    return len(added)


def _evaluate(model: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "evaluate", "--json", "--no-report", "--model", str(model)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def verdict(current: dict, candidate: dict) -> tuple[bool, str]:
    """Swap only when the candidate is at least as accurate overall, for FAQ keys and for languages."""
    reasons = []
    for figure, name in (("intent_accuracy", "FAQ/intent"), ("language_accuracy", "language")):
        if candidate[figure] < current[figure]:
            reasons.append(f"{name} accuracy {candidate[figure]:.1%} < {current[figure]:.1%} of the running model")
    summary = (f"candidate: FAQ/intent {candidate['intent_accuracy']:.1%}, language {candidate['language_accuracy']:.1%}; "
               f"running: FAQ/intent {current['intent_accuracy']:.1%}, language {current['language_accuracy']:.1%}")
    if reasons:
        return False, "Kept the running model: " + "; ".join(reasons) + f". ({summary})"
    return True, f"Swapped in the new model. ({summary})"


def run(job_id: int, settings: Settings) -> None:
    """The job itself (in a thread): train, evaluate both models, swap or keep."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    candidate = CANDIDATES_DIR / f"drom-{job_id}.tar.gz"
    try:
        with tempfile.TemporaryDirectory(prefix="drom-retrain-") as tmp:
            added = write_training_data(Path(tmp) / "nlu_data")
            _update(job_id, step=f"training with {added} example questions from the console")
            CANDIDATES_DIR.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [str(Path(sys.executable).parent / "rasa"), "train", "--config", "config.yml", "--domain",
                 "domain.yml", "--data", str(Path(tmp) / "nlu_data"), "--out", str(CANDIDATES_DIR),
                 "--fixed-model-name", f"drom-{job_id}"],
                cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=True,
            )
        _update(job_id, step="evaluating on the held-out messages")
        ok, detail = verdict(_evaluate(settings.model_path), _evaluate(candidate))
        if not ok:
            _update(job_id, status="kept", step="done", detail=detail)
            return
        _update(job_id, step="loading the new model into Rasa")
        for rasa_url in settings.rasa_urls:  # every instance reads the file, so it must be on a shared disk
            response = httpx.put(f"{rasa_url}/model", json={"model_file": str(candidate.resolve())}, timeout=300)
            response.raise_for_status()
        shutil.move(candidate, settings.model_path)  # the next start loads it too
        _update(job_id, status="swapped", step="done", detail=detail)
    except subprocess.CalledProcessError as error:
        logger.error("Retrain %s failed in %s", job_id, error.cmd[1:3])
        _update(job_id, status="failed", step="done",
                detail=f"{' '.join(error.cmd[1:3])} failed: {(error.stderr or '')[-800:]}")
    except (httpx.HTTPError, OSError, ValueError) as error:
        logger.error("Retrain %s failed: %s", job_id, type(error).__name__)
        _update(job_id, status="failed", step="done", detail=f"{type(error).__name__}: {error}")
