"""schemathesis against `ragd serve`, driven by the server's own /v1/openapi.json: generated
requests, valid and invalid, for every documented operation. No request may get a 5xx, and
every response must match the document (status, content type, headers, body schema)."""

import pathlib
import subprocess
import sys

from server_fixtures import knowledge_template, start_server  # noqa: F401

CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_headers_conformance", "response_schema_conformance"])


def run_schemathesis(url, seed, *extra):
    """schemathesis over `url`'s own /v1/openapi.json with CHECKS and a fixed seed (extra
    arguments, e.g. --header, are added); returns (exit code, stdout + stderr)."""
    cli = pathlib.Path(sys.executable).parent / "schemathesis"
    command = [str(cli), "run", url + "/v1/openapi.json",
               "--checks", CHECKS, *extra,
               # The coverage phase (every boundary of every constraint) takes minutes
               # against an ASan build; fuzzing with a fixed seed stays under a minute.
               "--phases", "examples,fuzzing",
               "--max-examples", "8",
               "--seed", str(seed),
               # One worker: CPython 3.11 can raise "AST constructor recursion depth
               # mismatch" when hypothesis compiles code in two threads at once.
               "--workers", "1",
               "--generation-database", "none",
               "--request-timeout", "30",
               "--suppress-health-check", "all",
               "--no-shrink",
               "--no-color"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=240)
    return result.returncode, result.stdout + result.stderr


def test_schemathesis_finds_no_server_errors_or_schema_violations(knowledge_template,
                                                                   tmp_path_factory):
    server = start_server(knowledge_template, tmp_path_factory, "--max-body-bytes", "1048576")
    try:
        code, output = run_schemathesis(server.url, 20250105)
        assert code == 0, output[-20000:]
        assert "No issues found" in output, output[-5000:]
    finally:
        server.stop()
