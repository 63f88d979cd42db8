"""The README documents every setting and command, and .ci/run runs exactly the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

from intake.cli import COMMANDS, make_parser
from intake.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


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


def test_every_command_is_documented() -> None:
    for command in COMMANDS:
        assert f"`hoctap {command}" in README, command
    make_parser()  # the parser builds with every documented command


def test_first_screen_gives_the_build_and_test_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:30])
    blocks = code_blocks(first_screen)
    assert blocks[0].endswith("hoctap run")
    assert blocks[1] == "ruff check . && mypy && python -m pytest"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = code_blocks(README)[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_lists_every_rejection_code() -> None:
    from scoring.problems import MESSAGES

    for code in MESSAGES:
        assert f"`{code}`" in README, code
