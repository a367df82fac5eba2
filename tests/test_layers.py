"""The layers of the tree hold (README, "Architecture"), and import-linter would catch a break of them."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("portal", "analytics", "surveys", "knowledge", "core", "models")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the tree at cwd with the project's contracts."""
    command = [str(Path(sys.executable).with_name("lint-imports")), "--config", str(cwd / ".importlinter"), "--no-cache"]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"})


def copy_of_tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_tree_keeps_every_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_model_importing_the_web_shell_breaks_the_layers(tmp_path):
    tree = copy_of_tree(tmp_path)
    settings = tree / "core" / "settings.py"
    settings.write_text(settings.read_text() + "\nfrom portal.access import account_for  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "core is not allowed to import portal" in result.stdout
    assert "core.settings -> portal.access" in result.stdout


def test_an_import_cycle_between_features_is_refused(tmp_path):
    tree = copy_of_tree(tmp_path)
    scoring = tree / "surveys" / "nps" / "score.py"
    scoring.write_text(scoring.read_text() + "\nfrom surveys.maturity import scoring as maturity_scoring  # noqa\n")
    maturity = tree / "surveys" / "maturity" / "scoring.py"
    maturity.write_text(maturity.read_text() + "\nfrom surveys.nps import score as nps_score  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "No cycles are allowed in surveys" in result.stdout


def test_domain_code_handling_a_request_form_is_refused(tmp_path):
    tree = copy_of_tree(tmp_path)
    progress = tree / "analytics" / "plan" / "progress.py"
    progress.write_text(progress.read_text() + "\nfrom flask_wtf import FlaskForm  # noqa\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "analytics is not allowed to import flask_wtf" in result.stdout
