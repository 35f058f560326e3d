"""The README's promises, run: its Python example, its commands, the sample's output."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess

import pytest

from conftest import REPO, hashsearch_command

README = (REPO / "README.md").read_text(encoding="utf-8")


def _blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_python_examples_run_and_print_what_they_say(monkeypatch, capsys) -> None:
    monkeypatch.chdir(REPO)
    blocks = _blocks(README, "python")
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
        printed = capsys.readouterr().out.splitlines()
        promised = [line.split("# ", 1)[1] for line in block.splitlines() if line.startswith("# ")]
        assert printed[-len(promised) :] == promised


def test_ci_runs_the_readme_test_command() -> None:
    test_command = next(b for b in _blocks(README, "sh") if "scripts/test" in b).strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_sample_data_readme_shows_the_real_output(tmp_path) -> None:
    sample_readme = (REPO / "sample_data" / "README.md").read_text(encoding="utf-8")
    out_block, err_block = _blocks(sample_readme, "")[1:3]
    done = subprocess.run(
        hashsearch_command(
            "--haystack",
            "sample_data/haystack",
            "--needles",
            "sample_data/needles",
            "--cache",
            tmp_path / "c.sqlite3",
        ),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == out_block
    assert done.stderr == err_block


@pytest.mark.parametrize("option", ["--threshold", "--jobs", "--no-cache", "--max-pixels"])
def test_options_in_readme_exist(option: str) -> None:
    from hashsearch.cli import build_parser

    assert option in README
    assert option in build_parser().format_help()


def test_the_copy_session_in_the_readme_prints_what_it_says(tmp_path) -> None:
    block = next(b for b in _blocks(README, "console") if "--copy-new-to to-import" in b)
    shutil.copytree(REPO / "sample_data", tmp_path / "sample_data")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    sessions = [part.splitlines() for part in ("\n" + block).split("\n$ ")[1:]]
    assert len(sessions) == 4
    for command, *shown in sessions:
        argv = shlex.split(command)
        if argv[0] == "hashsearch":
            done = subprocess.run(
                hashsearch_command(*argv[1:]), cwd=tmp_path, capture_output=True, text=True,
                env=env, timeout=120, check=False,
            )  # fmt: skip
            assert done.returncode == 1
        else:
            done = subprocess.run(
                command, shell=True, cwd=tmp_path, capture_output=True, text=True, check=True
            )
        said = [line for line in shown if line.startswith("hashsearch: ")]
        assert done.stdout.splitlines() == [line for line in shown if line not in said]
        assert done.stderr.splitlines() == said
