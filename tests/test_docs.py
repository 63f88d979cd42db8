"""The README documents every setting, command and rejection code, and .ci/run runs exactly the README's test command."""

from __future__ import annotations

import re

from support import ROOT_REPO

from hoctap.cli import make_parser
from hoctap.commands import COMMANDS
from hoctap.settings import SETTINGS
from scoring.problems import MESSAGES

README = (ROOT_REPO / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", text, re.DOTALL)]


def section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n## ", start + len(title))
    return README[start:] if end == -1 else README[start:end]


def test_every_setting_is_documented_in_the_readme_table() -> None:
    table = section("## Cấu hình: `hoctap.toml`")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.MULTILINE))
    assert documented == {s.name for s in SETTINGS}  # every setting, and nothing that does not exist


def test_every_command_is_documented_with_its_options() -> None:
    parser = make_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    assert set(subparsers.choices) == set(COMMANDS)  # type: ignore[union-attr]
    for command in COMMANDS:
        assert f"`hoctap {command}" in README, command


def test_first_screen_gives_the_build_and_test_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:30])
    blocks = code_blocks(first_screen)
    assert blocks[0].endswith("hoctap run")
    assert blocks[1] == "ruff check . && mypy && python -m pytest"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = code_blocks(README)[1]
    ci = (ROOT_REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_lists_every_rejection_code() -> None:
    for code in MESSAGES:
        assert f"`{code}`" in README, code


def test_the_where_things_live_table_names_only_files_that_exist() -> None:
    table = section("## Mọi thứ nằm ở đâu")
    named = set(re.findall(r"`((?:hoctap|intake|scoring|site|content|scripts)/[\w./-]+)`", table))
    assert len(named) > 25
    for path in named:
        assert (ROOT_REPO / path).exists(), path
    modules = {p.relative_to(ROOT_REPO).as_posix() for d in ("hoctap", "intake", "scoring") for p in (ROOT_REPO / d).glob("*.py")
               if p.name not in {"__init__.py", "__main__.py", "errors.py", "py.typed"}}
    shown = {p for p in named if p.endswith(".py")} | {f"intake/{m}.py" for m in re.findall(r"`(sheets_\w+)\.py`", table)}
    missing = sorted(m for m in modules if m not in shown and m.split("/")[-1] not in table)
    assert not missing, f"modules the README's map does not name: {missing}"
