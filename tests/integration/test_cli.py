"""The command line's contract: help, usage errors and exit codes."""

import subprocess

import pytest

from conftest import ragd_binary

COMMANDS = [["ingest"], ["search"], ["rm"], ["collections"], ["eval"], ["eval", "beir"],
            ["eval", "metrics"]]


def run(*args):
    return subprocess.run([ragd_binary(), *args], capture_output=True, text=True, timeout=60)


def test_top_level_help_lists_commands_and_exit_codes():
    result = run("--help")
    assert result.returncode == 0
    for name in ("ingest", "search", "rm", "collections", "eval", "Exit codes", "RAGD_DATA"):
        assert name in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "Usage" in result.stdout
    assert "--help" in result.stdout


def test_no_command_is_a_usage_error():
    result = run()
    assert result.returncode == 2
    assert "error" in result.stderr


def test_unknown_flag_is_a_usage_error_that_says_what_was_wrong():
    result = run("search", "--frobnicate", "x")
    assert result.returncode == 2
    assert "frobnicate" in result.stderr
    assert "--help" in result.stderr


def test_missing_argument_is_a_usage_error():
    result = run("ingest")
    assert result.returncode == 2
    assert "paths" in result.stderr


def test_bad_values_are_rejected(ragd):
    assert ragd.run("search", "-k", "0", "wine").returncode == 2
    assert ragd.run("ingest", "--chunk-tokens", "3", "x").returncode == 2
    assert ragd.run("ingest", "--collection", "../etc", "x").returncode == 2


def test_search_without_data_is_not_found(ragd):
    result = ragd.run("search", "wine")
    assert result.returncode == 3
    assert "ragd ingest" in result.stderr


def test_unknown_collection_is_not_found(knowledge_ragd):
    result = knowledge_ragd.run("search", "--collection", "nope", "wine")
    assert result.returncode == 3
    assert "nope" in result.stderr


def test_bad_date_says_the_expected_format(knowledge_ragd):
    result = knowledge_ragd.run("search", "--from", "last tuesday", "wine")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_data_folder_from_environment(tmp_path):
    import os
    from conftest import KNOWLEDGE
    env = dict(os.environ, RAGD_DATA=str(tmp_path / "envdata"))
    result = subprocess.run([ragd_binary(), "ingest", str(KNOWLEDGE / "club")], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "envdata" / "ragd.db").exists()
