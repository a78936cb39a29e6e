"""Shared fixtures: the real ragd binary, run in fresh data folders."""

import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "examples" / "knowledge"
SHARED = ROOT.parent / "shared"


def ragd_binary():
    binary = os.environ.get("RAGD_BIN")
    if not binary:
        pytest.skip("RAGD_BIN is not set (run through `make test`)")
    return binary


class Ragd:
    """Runs `ragd` against one data folder and returns CompletedProcess objects."""

    def __init__(self, binary, data):
        self.binary = binary
        self.data = str(data)

    def run(self, *args, check=None, timeout=300):
        command = [self.binary, *[str(a) for a in args]]
        if args and args[0] not in ("--help", "--version") and "--help" not in args:
            # Every data-using subcommand takes --data; eval takes it on its subcommand.
            if args[0] == "eval" and len(args) > 1 and args[1] == "beir":
                command = [self.binary, "eval", "beir", "--data", self.data, *map(str, args[2:])]
            elif args[0] != "eval":
                command = [self.binary, args[0], "--data", self.data, *map(str, args[1:])]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if check is not None:
            assert result.returncode == check, (
                f"{command} exited {result.returncode}, expected {check}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        return result

    def search(self, *args):
        result = self.run("search", "--json", *args, check=0)
        return json.loads(result.stdout)

    def ingest(self, *args, check=0):
        result = self.run("ingest", "--json", *args, check=check)
        return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def ragd(tmp_path):
    return Ragd(ragd_binary(), tmp_path / "data")


@pytest.fixture(scope="module")
def knowledge_ragd(tmp_path_factory):
    """A data folder holding examples/knowledge, shared by read-only tests of a module."""
    r = Ragd(ragd_binary(), tmp_path_factory.mktemp("knowledge") / "data")
    r.ingest(KNOWLEDGE)
    return r
