"""The project's own set-up: finding Python 3.10 and `rasa data validate`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_find_python_finds_a_310(project_root: Path) -> None:
    result = subprocess.run([str(project_root / "scripts/find-python.sh")], capture_output=True, text=True)
    assert result.returncode == 0
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("Python 3.10")


def test_find_python_explains_what_to_do_without_one(project_root: Path, tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "none")}
    result = subprocess.run(
        [str(project_root / "scripts/find-python.sh")], capture_output=True, text=True, env=env
    )
    assert result.returncode == 1
    assert "Drom needs Python 3.10" in result.stderr and "pyenv install 3.10" in result.stderr


def test_rasa_data_validate_passes(project_root: Path) -> None:
    rasa = Path(sys.executable).parent / "rasa"
    result = subprocess.run(
        [str(rasa), "data", "validate", "--config", "config.yml", "--domain", "domain.yml", "--data", "nlu_data", "--fail-on-warnings"],
        cwd=project_root, capture_output=True, text=True, env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
