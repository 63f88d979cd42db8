"""The GitHub Actions workflows: linted offline, their security rules pinned, publish.yml run end to end.

`zizmor --offline` and `check-jsonschema` (GitHub's workflow schema, bundled)
lint `.github/workflows/`. Structural tests pin what a reviewer must never
have to re-check: permissions, pinned actions, credentials, concurrency.

`StepRunner` runs publish.yml's own `run:` steps, in order, jobs pull → build
→ deploy, in clones of a throw-away repository made from this working tree,
against the local Sheets API (`sheets_server`). The `uses:` steps are
emulated: checkout is a `git clone` of a local bare "origin" (so the job's
`git push` really pushes), setup-python puts the runner's Python on PATH, the
Pages upload copies the folder it names, and the deploy takes that copy.
The runner's Python is a venv made for the test session that sees this venv's
installed dependencies but not its hoctap, so the workflow's own
`python -m pip install .` really installs the clone, not editable, as users
install it (offline: no index, no dependencies, no build isolation), and the
`hoctap` the next steps run is that copy, finding its project from the
current directory, the clone, never from this checkout.
A tiny evaluator covers the `${{ }}` subset the workflow uses.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sheets_server import Fault, SheetsServer

from hoctap import cli, pipeline
from hoctap.project import Project
from intake.layout import TabLayout, a1
from scoring.levels_rubric import LevelsRubric

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
CI = WORKFLOWS / "ci.yml"
BIN = Path(sys.executable).parent
SNAPSHOTS = "content/data/snapshots"
PINNED_USES = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s+#\s+v\d+(?:\.\d+)*\s*$")
INSTALL = "python -m pip install ."
# The install step's pip, offline: the runner's Python already sees hoctap's dependencies and its build
# backend. pip reads PIP_NO_BUILD_ISOLATION=false as "build_isolation = false", i.e. --no-build-isolation.
OFFLINE_PIP = {"PIP_NO_INDEX": "1", "PIP_NO_DEPS": "1", "PIP_NO_BUILD_ISOLATION": "false",
               "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    if True in doc:  # YAML 1.1 reads the key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: it is part of the test extras (pip install -e '.[test]')")
    return path


# --- linters ---------------------------------------------------------------------------------------

def test_zizmor_offline_finds_nothing() -> None:
    proc = subprocess.run(
        [tool("zizmor"), "--offline", "--persona", "pedantic", "--no-progress", str(WORKFLOWS)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_workflows_match_githubs_schema() -> None:
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert {Path(f).name for f in files} >= {"publish.yml", "ci.yml"}
    proc = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- structure ---------------------------------------------------------------------------------

@pytest.fixture(params=["publish.yml", "ci.yml"])
def workflow(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any], str]:
    path = WORKFLOWS / request.param
    return request.param, load(path), path.read_text(encoding="utf-8")


def test_permissions_are_empty_or_read_at_the_top_and_granted_per_job() -> None:
    publish = load(PUBLISH)
    assert publish["permissions"] == {}
    jobs = publish["jobs"]
    assert jobs["pull"]["permissions"] == {"contents": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    ci = load(CI)
    assert ci["permissions"] == {"contents": "read"}
    for job in ci["jobs"].values():
        assert all(v in ("read", "none") for v in job.get("permissions", {}).values())


def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(workflow: tuple[str, dict[str, Any], str]) -> None:
    name, doc, text = workflow
    lines = [line for line in text.splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines, name
    for line in lines:
        assert PINNED_USES.match(line), f"{name}: not pinned to a 40-hex SHA with a '# vX' comment: {line.strip()}"
    parsed = [s["uses"] for job in doc["jobs"].values() for s in job.get("steps", []) if "uses" in s]
    assert len(parsed) == len(lines)


def test_checkouts_keep_no_credentials(workflow: tuple[str, dict[str, Any], str]) -> None:
    name, doc, _ = workflow
    checkouts = [s for job in doc["jobs"].values() for s in job.get("steps", [])
                 if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts, name
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, f"{name}: {step.get('name')}"


def _strings(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, (*path, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, (*path, str(i)))
    elif isinstance(node, str):
        yield path, node


def test_secrets_only_reach_steps_through_env_and_scripts_hold_no_expressions(
    workflow: tuple[str, dict[str, Any], str],
) -> None:
    name, doc, _ = workflow
    for path, value in _strings(doc):
        if "secrets." in value or "github.token" in value:
            assert len(path) >= 2 and path[-2] == "env", f"{name}: a secret outside env: {'.'.join(path)}"
        if path[-1] == "run":
            assert "${{" not in value, f"{name}: an expression inside a script (template injection): {'.'.join(path)}"
    for path, value in _strings(doc):
        if path[-1] == "run":
            assert not re.search(r"\b(echo|printf|cat)\b[^\n]*GOOGLE_SERVICE_ACCOUNT_JSON", value), f"{name}: key echoed"


def test_publish_is_scheduled_in_vietnam_time_dispatchable_and_never_runs_twice() -> None:
    doc = load(PUBLISH)
    schedule = doc["on"]["schedule"]
    assert len(schedule) >= 2
    for entry in schedule:
        assert entry["timezone"] == "Asia/Ho_Chi_Minh"
        minute, _hour, _dom, _month, _dow = entry["cron"].split()
        assert minute.isdigit() and int(minute) % 5 != 0, f"busy minute in {entry['cron']}"
    assert any(e["cron"].split()[3] == "1" for e in schedule), "no extra runs in January's reporting season"
    inputs = doc["on"]["workflow_dispatch"]["inputs"]
    assert inputs["year"]["type"] == "string" and not inputs["year"].get("required", False)
    assert inputs["write_back"]["type"] == "boolean" and inputs["write_back"]["default"] is False
    assert inputs["force"]["type"] == "boolean" and inputs["force"]["default"] is False
    assert doc["concurrency"]["group"] and doc["concurrency"]["cancel-in-progress"] is False
    assert doc["defaults"]["run"]["shell"] == "bash"
    jobs = doc["jobs"]
    assert jobs["build"]["needs"] == "pull" and jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in jobs["deploy"]["steps"]] == ["actions/deploy-pages"]
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in jobs["build"]["steps"])
    assert all(job.get("timeout-minutes") for job in jobs.values())


def test_ci_runs_the_readme_test_command_on_push_and_pull_request() -> None:
    doc = load(CI)
    assert set(doc["on"]) == {"push", "pull_request"}
    runs = [s["run"].strip() for job in doc["jobs"].values() for s in job["steps"] if "run" in s]
    assert runs == ["bash .ci/run"]


# --- the step runner ----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\))|(?P<name>[A-Za-z_][\w.-]*))"
)


def truthy(value: Any) -> bool:
    return value not in (None, False, "", 0)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Expression:
    """The `${{ }}` subset publish.yml uses: context paths, 'strings', true/false/null, == != && || ! ( )."""

    def __init__(self, text: str, context: dict[str, Any]) -> None:
        self.context = context
        self.tokens: list[tuple[str, str]] = []
        pos, text = 0, text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise ValueError(f"expression not supported by the test evaluator: {text!r}")
            kind = m.lastgroup
            assert kind is not None
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0

    def value(self) -> Any:
        out = self._or()
        if self.i != len(self.tokens):
            raise ValueError(f"trailing tokens: {self.tokens[self.i:]}")
        return out

    def _peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) and self.tokens[self.i][0] == "op" else None

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == "||":
            self.i += 1
            right = self._and()
            left = left if truthy(left) else right
        return left

    def _and(self) -> Any:
        left = self._cmp()
        while self._peek() == "&&":
            self.i += 1
            right = self._cmp()
            left = right if truthy(left) else left
        return left

    def _cmp(self) -> Any:
        left = self._unary()
        while self._peek() in ("==", "!="):
            op = self.tokens[self.i][1]
            self.i += 1
            right = self._unary()
            a, b = (x.lower() if isinstance(x, str) else x for x in (left, right))  # GitHub compares strings case-insensitively
            left = (a == b) if op == "==" else (a != b)
        return left

    def _unary(self) -> Any:
        if self._peek() == "!":
            self.i += 1
            return not truthy(self._unary())
        if self._peek() == "(":
            self.i += 1
            inner = self._or()
            assert self._peek() == ")"
            self.i += 1
            return inner
        kind, text = self.tokens[self.i]
        self.i += 1
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "name":
            if text in ("true", "false", "null"):
                return {"true": True, "false": False, "null": None}[text]
            node: Any = self.context
            for part in text.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            return node
        raise ValueError(f"unexpected token {text!r}")


def evaluate(text: str, context: dict[str, Any]) -> Any:
    """An `if:` (with or without `${{ }}`)."""
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return Expression(text, context).value()


def interpolate(text: str, context: dict[str, Any]) -> str:
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: as_text(Expression(m.group(1), context).value()), text)


@dataclass
class Run:
    number: int
    event: str
    inputs: dict[str, Any]
    results: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    steps: list[tuple[str, str, str]] = field(default_factory=list)  # job, step name, outcome
    log: list[str] = field(default_factory=list)
    summary: str = ""
    artifact: Path | None = None
    deployed: Path | None = None
    uploads: dict[str, Path] = field(default_factory=dict)  # actions/upload-artifact: name → copy of the folder

    def text(self) -> str:
        return "\n".join(self.log)


def git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


class StepRunner:
    """Runs a workflow's jobs the way GitHub would, for the subset publish.yml uses."""

    def __init__(self, path: Path, origin: Path, base: Path, python: RunnerPython, *, secrets: dict[str, str],
                 variables: dict[str, str], runner_env: dict[str, str]) -> None:
        self.doc = load(path)
        self.origin = origin
        self.base = base
        self.python = python
        self.secrets = secrets
        self.variables = variables
        self.runner_env = runner_env
        self.count = 0

    def run(self, event: str, inputs: dict[str, Any] | None = None) -> Run:
        self.count += 1
        run = Run(self.count, event, dict(inputs or {}))
        for job_id, job in self.doc["jobs"].items():
            self._job(run, job_id, job)
        return run

    def _context(self, run: Run, steps: dict[str, Any]) -> dict[str, Any]:
        return {
            "github": {"event_name": run.event, "ref_name": "main", "ref": "refs/heads/main",
                       "repository": "so-gddt-long-an/hoctap", "repository_owner": "so-gddt-long-an",
                       "token": self.secrets["GITHUB_TOKEN"]},
            "inputs": run.inputs,
            "secrets": self.secrets,
            "vars": self.variables,
            "steps": steps,
            "needs": {j: {"result": r, "outputs": run.outputs.get(j, {})} for j, r in run.results.items()},
        }

    def _job(self, run: Run, job_id: str, job: dict[str, Any]) -> None:
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        context = self._context(run, {})
        # No status function in `if:` means success() && …, as on GitHub.
        if any(run.results.get(n) != "success" for n in needs) or ("if" in job and not truthy(evaluate(job["if"], context))):
            run.results[job_id] = "skipped"
            return
        home = self.base / f"run{run.number}" / "home"
        workspace = self.base / f"run{run.number}" / job_id
        temp = self.base / f"run{run.number}" / f"{job_id}-temp"
        for d in (home, temp):
            d.mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(temp),
            "GITHUB_EVENT_NAME": run.event, "GITHUB_REF_NAME": "main", "GITHUB_REPOSITORY": "so-gddt-long-an/hoctap",
            "GITHUB_REPOSITORY_OWNER": "so-gddt-long-an", "GITHUB_JOB": job_id,
            **self.runner_env,
        }
        for scope in (self.doc.get("env", {}), job.get("env", {})):
            env.update({k: interpolate(str(v), context) for k, v in scope.items()})
        steps: dict[str, Any] = {}
        failed = False
        for index, step in enumerate(job["steps"]):
            name = step.get("name") or step.get("uses") or step["run"].splitlines()[0]
            context = self._context(run, steps)
            if failed or ("if" in step and not truthy(evaluate(step["if"], context))):
                run.steps.append((job_id, name, "skipped"))
                continue
            ok, outputs = self._step(run, step, env, workspace, temp / f"step{index}", context)
            if "id" in step:
                steps[step["id"]] = {"outputs": outputs, "outcome": "success" if ok else "failure"}
            run.steps.append((job_id, name, "success" if ok else "failure"))
            failed = not ok
        context = self._context(run, steps)
        run.outputs[job_id] = {k: interpolate(str(v), context) for k, v in job.get("outputs", {}).items()}
        run.results[job_id] = "failure" if failed else "success"

    def _step(self, run: Run, step: dict[str, Any], env: dict[str, str], workspace: Path, files: Path,
              context: dict[str, Any]) -> tuple[bool, dict[str, str]]:
        files.mkdir(parents=True)
        if "uses" in step:
            return self._action(run, step, env, workspace, context)
        script = step["run"]
        extra: dict[str, str] = {}
        if "pip install" in script:
            # Run as written, into the runner's Python (never this venv), with pip told to stay offline.
            assert script.strip() == INSTALL, f"unexpected install step: {script!r}"
            extra = OFFLINE_PIP
        summary, output = files / "summary.md", files / "output"
        summary.touch()
        output.touch()
        step_env = {**env, **extra, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output)}
        step_env.update({k: interpolate(str(v), context) for k, v in step.get("env", {}).items()})
        (files / "script.sh").write_text(interpolate(script, context), encoding="utf-8")
        # `shell: bash` on GitHub is exactly this command line.
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(files / "script.sh")],
            cwd=workspace, env=step_env, capture_output=True, text=True, timeout=600, check=False,
        )
        run.log.append(f"--- {step.get('name')} (exit {proc.returncode})\n{proc.stdout}{proc.stderr}")
        run.summary += summary.read_text(encoding="utf-8")
        return proc.returncode == 0, parse_output(output.read_text(encoding="utf-8"))

    def _action(self, run: Run, step: dict[str, Any], env: dict[str, str], workspace: Path,
                context: dict[str, Any]) -> tuple[bool, dict[str, str]]:
        action = step["uses"].split("@")[0]
        given = {k: interpolate(str(v), context) for k, v in step.get("with", {}).items()}
        if action == "actions/checkout":
            git("clone", "--quiet", str(self.origin), str(workspace), cwd=self.base, env=env)
            if given.get("ref"):
                git("checkout", "--quiet", given["ref"], cwd=workspace, env=env)
            return True, {}
        if action == "actions/setup-python":
            env["PATH"] = f"{self.python.bin}:{env['PATH']}"
            return True, {}
        if action == "actions/upload-pages-artifact":
            folder = workspace / given["path"]
            if not folder.is_dir():
                run.log.append(f"--- upload-pages-artifact: no folder {folder}")
                return False, {}
            run.artifact = self.base / f"run{run.number}" / "pages-artifact"
            shutil.copytree(folder, run.artifact)
            return True, {}
        if action == "actions/upload-artifact":
            folder = workspace / given["path"]
            if not folder.is_dir() or not any(folder.rglob("*")):
                run.log.append(f"--- upload-artifact: nothing in {folder}")
                return given.get("if-no-files-found") != "error", {}
            copy = self.base / f"run{run.number}" / "artifacts" / given["name"]
            shutil.copytree(folder, copy)
            run.uploads[given["name"]] = copy
            return True, {"artifact-url": f"https://github.com/so-gddt-long-an/hoctap/actions/runs/{run.number}/artifacts/1"}
        if action == "actions/deploy-pages":
            if run.artifact is None:
                return False, {}
            run.deployed = run.artifact
            return True, {}
        raise AssertionError(f"the step runner does not emulate {action}")


def parse_output(text: str) -> dict[str, str]:
    """$GITHUB_OUTPUT: `name=value` lines and `name<<DELIM` … `DELIM` blocks."""
    out: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            body = []
            for inner in lines:
                if inner == delim:
                    break
                body.append(inner)
            out[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            out[key] = value
    return out


# --- the runner's Python ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunnerPython:
    """A venv of the test session: the Python setup-python hands the jobs, where `pip install .` installs."""

    bin: Path
    site_packages: Path

    def installed(self) -> dict[str, Any]:
        """PEP 610's record of where the hoctap installed last came from (and whether it is editable)."""
        (info,) = self.site_packages.glob("hoctap-*.dist-info")
        record: dict[str, Any] = json.loads((info / "direct_url.json").read_text(encoding="utf-8"))
        return record


def our_hoctap() -> str | None:
    """This venv's own hoctap installation (its file list), to prove the runs never touch it."""
    try:
        dist = metadata.distribution("hoctap")
    except metadata.PackageNotFoundError:
        return None
    return f"{dist.locate_file('')}\n{dist.read_text('RECORD')}\n{dist.read_text('direct_url.json')}"


@pytest.fixture(scope="session")
def runner_python(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunnerPython]:
    venv = tmp_path_factory.mktemp("runner-python") / "venv"
    proc = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    python = venv / "bin" / "python"
    proc = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, timeout=60, check=True)
    site_packages = Path(proc.stdout.strip())
    # This venv's packages (hoctap's dependencies, pip, the build backend) are reused through a .pth line,
    # after the new venv's own site-packages, so the hoctap installed there wins. (`--system-site-packages`
    # would give the base interpreter's packages, not this venv's.) A .pth line adds a folder without
    # running the .pth files inside it, so this venv's editable hoctap stays out.
    ours = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site_packages / "_hoctap_test_dependencies.pth").write_text("".join(f"{p}\n" for p in ours), encoding="utf-8")
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["build-backend"]
    if importlib.util.find_spec(backend.split(".")[0]) is None:
        pytest.fail(f"the build backend {backend} is not installed: it is part of the test extras (pip install -e '.[test]')")
    before = our_hoctap()
    yield RunnerPython(venv / "bin", site_packages)
    assert our_hoctap() == before, "installing into the runner's Python changed this venv's hoctap"


# --- fixtures for the runs ------------------------------------------------------------------------

SID = "1PublishWorkflowTest_0123456789abcdefghijk"
YEAR = 2026  # Thông tư 24/2023: levels tabs; the Tây Ninh units (tn-…) are active from 2025
EMAIL = "hoctap-sync@hoctap-tay-ninh.iam.gserviceaccount.com"
SITE_URL = "https://hoctap.tayninh.example"
MEMBERS = 120
HEADER: dict[str, Any] = {
    "muc_de_nghi": 1, "so_thanh_vien": MEMBERS, "ban_khuyen_hoc": "Có",
    "nguoi_bao_cao": "Nguyễn Văn A, Chánh Văn phòng", "lien_he": "0276 3 822 000", "ngay_gui": date(2027, 1, 8),
}
MET = {"yes-no": "Đạt", "digital": "Tốt"}  # share and cdht chỉ tiêu take a count of members: 114 of 120 (95%)
# tn-so-y-te meets its level; tn-so-tu-phap does not (chỉ tiêu 2.1: 100 of 120, under 90%);
# tn-hoi-ccb is rejected (130 members meeting chỉ tiêu 2.1, of 120).
FILLED: dict[str, dict[str, Any]] = {"tn-so-y-te": {}, "tn-so-tu-phap": {"2.1": 100}, "tn-hoi-ccb": {"2.1": 130}}


@dataclass(frozen=True)
class UnitTab:
    layout: TabLayout
    kinds: dict[str, str]  # chỉ tiêu id → its input kind


def unit_tabs(project: Project, unit_ids: Iterable[str]) -> dict[str, UnitTab]:
    """The tabs `hoctap template` laid out for these units, and the kind of each of their chỉ tiêu."""
    rubric, layouts, _ = pipeline.year_tabs(project, YEAR)
    assert isinstance(rubric, LevelsRubric), f"{YEAR} is no longer a Thông tư 24/2023 year"
    units = {u.id: u for u in pipeline.registry(project).active(YEAR)}
    out = {}
    for unit_id in unit_ids:
        layout = next(layout for layout in layouts if layout.unit_id == unit_id)
        cset = rubric.set_for_cap(units[unit_id].cap or "")
        assert cset is not None
        out[unit_id] = UnitTab(layout, {i.id: i.kind for i in cset.indicators if i.id in layout.indicator_rows})
    return out


def fill(server: SheetsServer, tab: UnitTab, values: dict[str, Any], *, whole: bool = False) -> None:
    """What a unit types: `values` per chỉ tiêu, with evidence; `whole` adds every other chỉ tiêu (met) and the header."""
    layout, family = tab.layout, tab.layout.family
    typed = {ind: MET.get(kind, MEMBERS - 6) for ind, kind in tab.kinds.items()} if whole else {}
    for ind, value in {**typed, **values}.items():
        row = layout.indicator_rows[ind]
        server.type_values(SID, layout.title, a1(row, family.col_value), [[value]])
        server.type_values(SID, layout.title, a1(row, family.col_evidence), [[f"https://minhchung.example/{layout.unit_id}/{ind}"]])
    if whole:
        header = {**HEADER, "link_ke_hoach": f"https://vanban.tayninh.example/{layout.unit_id}/ke-hoach-{YEAR}.pdf"}
        for key, value in header.items():
            server.type_values(SID, layout.title, layout.header_cell(key), [[value]])


@dataclass
class Publishing:
    server: SheetsServer
    runner: StepRunner
    origin: Path
    git_env: dict[str, str]
    marker: str
    key_lines: list[str]
    base: Path
    tabs: dict[str, UnitTab]
    python: RunnerPython

    def head(self) -> str:
        return git("rev-parse", "main", cwd=self.origin, env=self.git_env).strip()

    def commits(self) -> list[str]:
        return git("log", "--format=%H", "main", cwd=self.origin, env=self.git_env).split()

    def message(self) -> str:
        return git("log", "-1", "--format=%B", "main", cwd=self.origin, env=self.git_env)

    def status(self, unit_id: str) -> str:
        layout = self.tabs[unit_id].layout
        return str(self.server.value(SID, layout.title, layout.status_cell))

    def everything_written(self, run: Run) -> str:
        """Logs, summary, outputs, the remote's whole history and every file the runs left."""
        parts = [run.text(), run.summary, json.dumps(run.outputs, ensure_ascii=False),
                 git("log", "-p", "--all", cwd=self.origin, env=self.git_env)]
        for path in self.base.rglob("*"):
            if path.is_file() and "home" not in path.parts and ".git" not in path.parts and path.stat().st_size < 5_000_000:
                parts.append(path.read_bytes().decode("utf-8", errors="replace"))
        return "\n".join(parts)

    def assert_no_secret(self, run: Run) -> None:
        text = self.everything_written(run)
        assert self.marker not in text
        for line in self.key_lines:
            assert line not in text

    def assert_installed_from(self, run: Run, job: str) -> None:
        """The hoctap the job ran is its own clone, installed as a copy (not editable) in the runner's Python."""
        record = self.python.installed()
        assert record["url"] == (self.base / f"run{run.number}" / job).as_uri(), record
        assert not record.get("dir_info", {}).get("editable"), record
        assert (self.python.site_packages / "hoctap" / "_bundle" / "site" / "pelicanconf.py").is_file()


def working_tree_files() -> list[str]:
    proc = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    keep = []
    for name in proc.stdout.split("\0"):
        if not name or name.startswith((f"{SNAPSHOTS}/", "output/")) or not (ROOT / name).is_file():
            continue
        keep.append(name)
    return keep


def make_origin(base: Path, env: dict[str, str]) -> Path:
    """A bare repository holding this working tree (uncommitted work included), as GitHub's copy would."""
    src = base / "src"
    for name in working_tree_files():
        target = src / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    git("init", "--quiet", "--initial-branch=main", str(src), cwd=base, env=env)
    git("add", "--all", cwd=src, env=env)
    git("-c", "user.name=Lead", "-c", "user.email=lead@example.com", "commit", "--quiet", "-m", "Dự án", cwd=src, env=env)
    origin = base / "origin.git"
    git("clone", "--quiet", "--bare", str(src), str(origin), cwd=base, env=env)
    return origin


@pytest.fixture
def publishing(sheets_server: SheetsServer, runner_python: RunnerPython, tmp_path: Path) -> Iterator[Publishing]:
    before = sorted((ROOT / SNAPSHOTS).rglob("*")) if (ROOT / SNAPSHOTS).exists() else None
    # The spreadsheet, set up by the command as an administrator would, then filled by three units.
    admin = tmp_path / "admin"
    admin.mkdir()
    (admin / "editors.csv").write_text("ma_don_vi,email,vai_tro\ntn-so-y-te,a@syt.tayninh.example.vn,don-vi\n",
                                       encoding="utf-8")
    (admin / "hoctap.toml").write_text(
        f'registry = "{ROOT / "content/data/units.csv"}"\neditors_file = "editors.csv"\nsnapshot_dir = "snapshots"\n',
        encoding="utf-8",
    )
    sheets_server.create(SID)
    assert cli.main(["--project", str(admin), "template", "--google", SID, "--year", str(YEAR)]) == 0
    tabs = unit_tabs(Project.open(project=admin), FILLED)
    for unit_id, values in FILLED.items():
        fill(sheets_server, tabs[unit_id], values, whole=True)

    # A real service-account key: the server verifies the JWT, so the key really travels through the steps.
    marker = "hoctap-secret-marker-" + secrets.token_hex(8)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    sheets_server.trust(EMAIL, public)
    key_json = json.dumps({
        "type": "service_account", "project_id": "hoctap-tay-ninh", "private_key_id": marker,
        "private_key": private, "client_email": EMAIL, "client_id": "1040000000000",
        "token_uri": "https://oauth2.googleapis.com/token",
    })

    base = tmp_path / "actions"
    base.mkdir()
    git_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
               "GIT_CONFIG_GLOBAL": str(tmp_path / ".gitconfig"), "LANG": "C.UTF-8"}
    origin = make_origin(tmp_path, git_env)
    runner = StepRunner(
        PUBLISH, origin, base, runner_python,
        secrets={"GOOGLE_SERVICE_ACCOUNT_JSON": key_json, "GITHUB_TOKEN": "ghs_" + secrets.token_hex(16)},
        variables={"HOCTAP_SPREADSHEET_ID": SID, "HOCTAP_SITE_URL": SITE_URL},
        runner_env={"HOCTAP_SHEETS_ENDPOINT": sheets_server.url},
    )
    key_lines = [line for line in private.splitlines() if "PRIVATE KEY" not in line][1:4]
    yield Publishing(sheets_server, runner, origin, git_env, marker, key_lines, base, tabs, runner_python)
    after = sorted((ROOT / SNAPSHOTS).rglob("*")) if (ROOT / SNAPSHOTS).exists() else None
    assert after == before, "the workflow steps wrote into this checkout instead of their clone"


def outcome(run: Run, job: str) -> dict[str, str]:
    return {name: result for j, name, result in run.steps if j == job}


# --- the runs -------------------------------------------------------------------------------------

def test_publish_steps_pull_commit_build_and_deploy_then_do_nothing_when_nothing_changed(
    publishing: Publishing,
) -> None:
    start = publishing.head()

    # 1. The schedule: a first pull → a snapshot commit naming the units and year → the site → Pages.
    first = publishing.runner.run("schedule")
    assert first.results == {"pull": "success", "build": "success", "papers": "success", "deploy": "success"}, first.text()
    assert first.outputs["pull"]["changed"] == "true"
    assert publishing.server.calls["token"] >= 1  # the key from the secret really signed in
    publishing.assert_installed_from(first, "papers")  # the last job to install (build did the same before it)
    commits = publishing.commits()
    assert len(commits) == 2 and commits[1] == start
    assert first.outputs["pull"]["sha"] == commits[0] == publishing.head()
    message = publishing.message()
    subject = message.splitlines()[0]
    assert subject == f"Dữ liệu năm {YEAR}: 3 đơn vị thay đổi (tn-hoi-ccb, tn-so-tu-phap, tn-so-y-te)", message
    for unit_id, tab in publishing.tabs.items():
        assert f"- {unit_id} ({tab.layout.title}): phiếu mới" in message
    assert f"bảng tính Google {SID}" in message and "3 phiếu" in message and "bản lưu đầu tiên" in message
    changed = git("show", "--name-only", "--format=", "main", cwd=publishing.origin, env=publishing.git_env).split()
    assert changed and all(name.startswith(f"{SNAPSHOTS}/") for name in changed)
    assert f"{SNAPSHOTS}/index.jsonl" in changed
    author = git("log", "-1", "--format=%an", "main", cwd=publishing.origin, env=publishing.git_env)
    assert author.strip() == "github-actions[bot]"

    # The Pages folder: built with publishconf (absolute URLs on HOCTAP_SITE_URL), uploaded, deployed.
    assert first.artifact is not None and first.deployed == first.artifact
    index = (first.artifact / "index.html").read_text(encoding="utf-8")
    assert 'lang="vi"' in index and SITE_URL in index
    assert len(list(first.artifact.rglob("*.html"))) > 3

    # The report: the Vietnamese table in the job summary, one ::warning per rejected unit-year.
    assert "## Kết quả kiểm tra phiếu tự đánh giá" in first.summary
    assert "| Đã đọc | Hợp lệ | Bị từ chối |" in first.summary and "| 3 | 2 | 1 |" in first.summary
    assert "### Phiếu bị từ chối" in first.summary and "Hội Cựu chiến binh tỉnh Tây Ninh" in first.summary
    assert "### Đã lưu bản lưu dữ liệu mới vào kho" in first.summary and subject in first.summary
    warnings = [line for line in first.text().splitlines() if line.startswith("::warning ")]
    ccb = publishing.tabs["tn-hoi-ccb"].layout
    assert len(warnings) == 1 and "tn-hoi-ccb" in warnings[0], warnings
    assert f"ô {a1(ccb.indicator_rows['2.1'], ccb.family.col_value)}" in warnings[0], warnings
    # The papers: a private artifact of the run (DOCX and PDF), linked from the summary, never on the site.
    papers = first.uploads[f"van-ban-{YEAR}"]
    unit_dir = papers / str(YEAR) / "don-vi" / "tn-so-y-te"
    assert (unit_dir / "01-to-trinh.docx").is_file() and (unit_dir / "01-to-trinh.pdf").is_file()
    assert not (papers / str(YEAR) / "don-vi" / "tn-hoi-ccb").exists()  # a rejected tab has no dossier
    assert f"### Văn bản chính thức năm {YEAR}" in first.summary
    assert f"/actions/runs/{first.number}/artifacts/" in first.summary
    assert not list(first.artifact.rglob("*.docx")) and not list(first.artifact.rglob("*to-trinh*"))
    publishing.assert_no_secret(first)

    # 2. The next scheduled run, nothing typed since: no commit, no build, no deploy.
    second = publishing.runner.run("schedule")
    assert second.results == {"pull": "success", "build": "skipped", "papers": "skipped", "deploy": "skipped"}, \
        second.text()
    assert second.outputs["pull"] == {"changed": "false", "sha": commits[0]}
    assert publishing.commits() == commits
    assert "không thay đổi" in second.text()
    assert second.artifact is None
    publishing.assert_installed_from(second, "pull")

    # 3. An administrator's run: this year only, write the statuses back, force a rebuild. Still no commit.
    assert publishing.status("tn-so-y-te") == "Chưa kiểm tra."
    third = publishing.runner.run("workflow_dispatch", {"year": str(YEAR), "write_back": True, "force": True})
    assert third.results == {"pull": "success", "build": "success", "papers": "success", "deploy": "success"}, third.text()
    assert publishing.commits() == commits
    assert publishing.status("tn-so-y-te").startswith("Hợp lệ — đạt mức độ")
    assert publishing.status("tn-so-tu-phap").startswith("Hợp lệ — chưa đạt mức độ 1")
    assert "chỉ tiêu 2.1" in publishing.status("tn-so-tu-phap")
    assert publishing.status("tn-hoi-ccb").startswith("Chưa hợp lệ")
    assert third.artifact is not None and (third.artifact / "index.html").is_file()
    publishing.assert_no_secret(third)

    # 4. One unit corrects a count: the commit names that unit only (the status cells are not data).
    fill(publishing.server, publishing.tabs["tn-so-tu-phap"], {"2.1": 115})
    fourth = publishing.runner.run("schedule")
    assert fourth.results == {"pull": "success", "build": "success", "papers": "success", "deploy": "success"}, \
        fourth.text()
    message = publishing.message()
    assert message.splitlines()[0] == f"Dữ liệu năm {YEAR}: 1 đơn vị thay đổi (tn-so-tu-phap)", message
    assert "- tn-so-tu-phap (Sở Tư pháp TN): phiếu đã sửa" in message
    assert "tn-so-y-te" not in message and "tn-hoi-ccb" not in message
    assert len(publishing.commits()) == 3
    publishing.assert_no_secret(fourth)


def test_a_failed_pull_commits_builds_and_deploys_nothing(publishing: Publishing) -> None:
    start = publishing.head()
    publishing.server.inject(Fault(status=500, times=None))  # Google down for the whole run
    run = publishing.runner.run("workflow_dispatch", {"force": True, "write_back": True})
    assert run.results == {"pull": "failure", "build": "skipped", "papers": "skipped", "deploy": "skipped"}
    assert outcome(run, "pull") == {
        "Lấy mã nguồn": "success", "Cài Python": "success", "Cài hoctap": "success",
        "Lấy dữ liệu từ bảng tính": "failure", "Kiểm tra phiếu": "skipped", "Lưu bản lưu mới vào kho": "skipped",
    }
    publishing.assert_installed_from(run, "pull")
    assert publishing.head() == start and len(publishing.commits()) == 1
    assert not (publishing.base / f"run{run.number}" / "pull" / SNAPSHOTS).exists()
    assert run.artifact is None and run.deployed is None
    assert not (publishing.base / f"run{run.number}" / "build").exists()
    assert "hoctap: lỗi:" in run.text() and "500" in run.text()
    assert publishing.server.calls["spreadsheets.get"] > 1  # retried within bounds, then gave up
    publishing.assert_no_secret(run)


# --- the evaluator itself ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("needs.pull.outputs.changed == 'true' || inputs.force", True),
        ("needs.pull.outputs.changed == 'false' || inputs.force", False),
        ("${{ !inputs.force && 'x' }}", "x"),
        ("github.event_name == 'SCHEDULE'", True),
        ("inputs.missing", None),
    ],
)
def test_the_evaluator_follows_githubs_rules(expression: str, expected: Any) -> None:
    context = {"needs": {"pull": {"outputs": {"changed": "true"}}}, "inputs": {"force": False},
               "github": {"event_name": "schedule"}}
    assert evaluate(expression, context) == expected


def test_output_files_are_read_in_both_forms() -> None:
    assert parse_output("changed=true\nmsg<<EOF\na=b\nc\nEOF\nsha=abc\n") == {"changed": "true", "msg": "a=b\nc", "sha": "abc"}

