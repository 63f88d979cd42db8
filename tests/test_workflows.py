"""The GitHub Actions workflows: linted offline, their security rules pinned, publish.yml run end to end.

`zizmor --offline` and `check-jsonschema` (GitHub's workflow schema, bundled)
lint `.github/workflows/`. Structural tests pin what a reviewer must never
have to re-check: permissions, pinned actions, credentials, concurrency.

`StepRunner` runs publish.yml's own `run:` steps, in order, jobs pull → build
→ deploy, in clones of a throw-away repository made from this working tree,
against the local Sheets API (`sheets_server`). The `uses:` steps are
emulated: checkout is a `git clone` of a local bare "origin" (so the job's
`git push` really pushes), setup-python puts this venv's bin folder on PATH,
`pip install -e .` puts the clone first on PYTHONPATH (so the clone's own
`intake` runs and writes into the clone, never into this checkout), the
Pages upload copies the folder it names, and the deploy takes that copy.
A tiny evaluator covers the `${{ }}` subset the workflow uses.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sheets_server import Fault, SheetsServer

from intake import cli
from intake.layout import STATUS_CELL, TabLayout, build_layout, header_cell
from scoring.registry import load_registry
from scoring.rubric import rubric_for_year

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
CI = WORKFLOWS / "ci.yml"
BIN = Path(sys.executable).parent
SNAPSHOTS = "content/data/snapshots"
PINNED_USES = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s+#\s+v\d+(?:\.\d+)*\s*$")
INSTALL = "python -m pip install -e ."


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

    def text(self) -> str:
        return "\n".join(self.log)


def git(*args: str, cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


class StepRunner:
    """Runs a workflow's jobs the way GitHub would, for the subset publish.yml uses."""

    def __init__(self, path: Path, origin: Path, base: Path, *, secrets: dict[str, str],
                 variables: dict[str, str], runner_env: dict[str, str]) -> None:
        self.doc = load(path)
        self.origin = origin
        self.base = base
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
            return self._action(run, step, env, workspace, context), {}
        script = step["run"]
        if "pip install" in script:
            # Emulated, never run: installing would re-point this venv at a temporary clone.
            assert script.strip() == INSTALL, f"unexpected install step: {script!r}"
            env["PYTHONPATH"] = str(workspace)
            return True, {}
        summary, output = files / "summary.md", files / "output"
        summary.touch()
        output.touch()
        step_env = {**env, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(output)}
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
                context: dict[str, Any]) -> bool:
        action = step["uses"].split("@")[0]
        given = {k: interpolate(str(v), context) for k, v in step.get("with", {}).items()}
        if action == "actions/checkout":
            git("clone", "--quiet", str(self.origin), str(workspace), cwd=self.base, env=env)
            if given.get("ref"):
                git("checkout", "--quiet", given["ref"], cwd=workspace, env=env)
            return True
        if action == "actions/setup-python":
            env["PATH"] = f"{BIN}:{env['PATH']}"
            return True
        if action == "actions/upload-pages-artifact":
            folder = workspace / given["path"]
            if not folder.is_dir():
                run.log.append(f"--- upload-pages-artifact: no folder {folder}")
                return False
            run.artifact = self.base / f"run{run.number}" / "pages-artifact"
            shutil.copytree(folder, run.artifact)
            return True
        if action == "actions/deploy-pages":
            if run.artifact is None:
                return False
            run.deployed = run.artifact
            return True
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


# --- fixtures for the runs ------------------------------------------------------------------------

SID = "1PublishWorkflowTest_0123456789abcdefghijk"
YEAR = 2025
EMAIL = "hoctap-sync@hoctap-long-an.iam.gserviceaccount.com"
SITE_URL = "https://hoctap.longan.example"
FULL = {"1.1": 10, "1.2": 10, "1.3": 9.5, "2.1": 9, "2.2": 5, "2.3": 9, "2.4": 4.5, "3.1": 23, "3.2": 9, "3.3": 5}
HEADER: dict[str, Any] = {
    "so_thanh_vien": 120, "so_cdht": 90, "ban_khuyen_hoc": "Có", "nguoi_bao_cao": "Nguyễn Văn A, Chánh Văn phòng",
    "lien_he": "0272 3 826 000", "ngay_gui": date(2026, 1, 15),
}
FILLED = {"so-y-te": FULL, "so-tu-phap": {**FULL, "3.1": 20}, "hoi-ccb": {**FULL, "1.1": 12}}  # hoi-ccb: 12 > 10


def layout_of(unit_id: str) -> TabLayout:
    unit = next(u for u in load_registry().active(YEAR) if u.id == unit_id)
    return build_layout(rubric_for_year(YEAR), unit, YEAR, "ngày 31/01/2026")


def fill(server: SheetsServer, unit_id: str, points: dict[str, Any]) -> None:
    layout = layout_of(unit_id)
    header = {**HEADER, "link_ke_hoach": f"https://vanban.longan.example/{unit_id}/ke-hoach-{YEAR}.pdf"}
    for ind, value in points.items():
        server.type_values(SID, layout.title, f"D{layout.indicator_rows[ind]}", [[value, f"https://minhchung.example/{ind}"]])
    for key, value in header.items():
        server.type_values(SID, layout.title, header_cell(key), [[value]])


@dataclass
class Publishing:
    server: SheetsServer
    runner: StepRunner
    origin: Path
    git_env: dict[str, str]
    marker: str
    key_lines: list[str]
    base: Path

    def head(self) -> str:
        return git("rev-parse", "main", cwd=self.origin, env=self.git_env).strip()

    def commits(self) -> list[str]:
        return git("log", "--format=%H", "main", cwd=self.origin, env=self.git_env).split()

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
def publishing(sheets_server: SheetsServer, tmp_path: Path) -> Iterator[Publishing]:
    before = sorted((ROOT / SNAPSHOTS).rglob("*")) if (ROOT / SNAPSHOTS).exists() else None
    # The spreadsheet, set up by the CLI as an administrator would, then filled by three units.
    (tmp_path / "editors.csv").write_text("ma_don_vi,email,vai_tro\nso-y-te,a@syt.example.vn,don-vi\n", encoding="utf-8")
    (tmp_path / "hoctap.toml").write_text(
        f'registry = "{ROOT / "content/data/units.csv"}"\neditors_file = "editors.csv"\nsnapshot_dir = "snapshots"\n',
        encoding="utf-8",
    )
    sheets_server.create(SID)
    assert cli.main(["--config", str(tmp_path / "hoctap.toml"), "template", "--google", SID, "--year", str(YEAR)]) == 0
    for unit_id, points in FILLED.items():
        fill(sheets_server, unit_id, points)

    # A real service-account key: the server verifies the JWT, so the key really travels through the steps.
    marker = "hoctap-secret-marker-" + secrets.token_hex(8)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    sheets_server.trust(EMAIL, public)
    key_json = json.dumps({
        "type": "service_account", "project_id": "hoctap-long-an", "private_key_id": marker,
        "private_key": private, "client_email": EMAIL, "client_id": "1040000000000",
        "token_uri": "https://oauth2.googleapis.com/token",
    })

    base = tmp_path / "actions"
    base.mkdir()
    git_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
               "GIT_CONFIG_GLOBAL": str(tmp_path / ".gitconfig"), "LANG": "C.UTF-8"}
    origin = make_origin(tmp_path, git_env)
    runner = StepRunner(
        PUBLISH, origin, base,
        secrets={"GOOGLE_SERVICE_ACCOUNT_JSON": key_json, "GITHUB_TOKEN": "ghs_" + secrets.token_hex(16)},
        variables={"HOCTAP_SPREADSHEET_ID": SID, "HOCTAP_SITE_URL": SITE_URL},
        runner_env={"HOCTAP_SHEETS_ENDPOINT": sheets_server.url},
    )
    key_lines = [line for line in private.splitlines() if "PRIVATE KEY" not in line][1:4]
    yield Publishing(sheets_server, runner, origin, git_env, marker, key_lines, base)
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
    assert first.results == {"pull": "success", "build": "success", "deploy": "success"}, first.text()
    assert first.outputs["pull"]["changed"] == "true"
    assert publishing.server.calls["token"] >= 1  # the key from the secret really signed in
    commits = publishing.commits()
    assert len(commits) == 2 and commits[1] == start
    assert first.outputs["pull"]["sha"] == commits[0] == publishing.head()
    message = git("log", "-1", "--format=%B", "main", cwd=publishing.origin, env=publishing.git_env)
    subject = message.splitlines()[0]
    assert "2025" in subject and "3 đơn vị" in subject, message
    for unit_id in FILLED:
        assert f"- {unit_id} (" in message and unit_id in message
    assert "phiếu mới" in message and "bản lưu đầu tiên" in message
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
    assert "### Phiếu bị từ chối" in first.summary and "Hội CCB" in first.summary
    assert "### Đã lưu bản lưu dữ liệu mới vào kho" in first.summary
    warnings = [line for line in first.text().splitlines() if line.startswith("::warning ")]
    assert len(warnings) == 1 and "hoi-ccb" in warnings[0] and "ô D" in warnings[0], warnings
    publishing.assert_no_secret(first)

    # 2. The next scheduled run, nothing typed since: no commit, no build, no deploy.
    second = publishing.runner.run("schedule")
    assert second.results == {"pull": "success", "build": "skipped", "deploy": "skipped"}, second.text()
    assert second.outputs["pull"] == {"changed": "false", "sha": commits[0]}
    assert publishing.commits() == commits
    assert "không thay đổi" in second.text()
    assert second.artifact is None

    # 3. An administrator's run: year 2025, write the statuses back, force a rebuild. Still no commit.
    assert publishing.server.value(SID, "Sở Y tế", STATUS_CELL) == "Chưa kiểm tra."
    third = publishing.runner.run("workflow_dispatch", {"year": "2025", "write_back": True, "force": True})
    assert third.results == {"pull": "success", "build": "success", "deploy": "success"}, third.text()
    assert publishing.commits() == commits
    assert str(publishing.server.value(SID, "Sở Y tế", STATUS_CELL)).startswith("Hợp lệ")
    assert str(publishing.server.value(SID, "Hội CCB", STATUS_CELL)).startswith("Chưa hợp lệ")
    assert third.artifact is not None and (third.artifact / "index.html").is_file()
    publishing.assert_no_secret(third)

    # 4. One unit corrects a point: the commit names that unit only (the status cells are not data).
    fill(publishing.server, "so-tu-phap", {"3.1": 21})
    fourth = publishing.runner.run("schedule")
    assert fourth.results == {"pull": "success", "build": "success", "deploy": "success"}, fourth.text()
    message = git("log", "-1", "--format=%B", "main", cwd=publishing.origin, env=publishing.git_env)
    assert message.splitlines()[0] == "Dữ liệu năm 2025: 1 đơn vị thay đổi (so-tu-phap)", message
    assert "so-tu-phap (Sở Tư pháp): phiếu đã sửa" in message
    assert len(publishing.commits()) == 3
    publishing.assert_no_secret(fourth)


def test_a_failed_pull_commits_builds_and_deploys_nothing(publishing: Publishing) -> None:
    start = publishing.head()
    publishing.server.inject(Fault(status=500, times=None))  # Google down for the whole run
    run = publishing.runner.run("workflow_dispatch", {"force": True, "write_back": True})
    assert run.results == {"pull": "failure", "build": "skipped", "deploy": "skipped"}
    assert outcome(run, "pull") == {
        "Lấy mã nguồn": "success", "Cài Python": "success", "Cài hoctap": "success",
        "Lấy dữ liệu từ bảng tính": "failure", "Kiểm tra phiếu": "skipped", "Lưu bản lưu mới vào kho": "skipped",
    }
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

