"""Schemathesis drives the live service from its own OpenAPI document, as an admin and as a caseworker:
no server error, no answer the document does not describe, no valid request refused."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flows import DISPATCH_GAOZHAO, act, new_case

HERE = Path(__file__).resolve().parent
ST = Path(sys.executable).with_name("st")
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "25")


@pytest.mark.slow
@pytest.mark.parametrize("user", ["admin", "gaozhao"])
def test_the_document_and_the_service_agree(server, clients, tokens, user):
    # Known ids for the generated requests to hit: cases at the route step and at the team's step.
    for _ in range(3):
        new_case(clients)
    act(clients, "dispatcher", new_case(clients)["case_no"], DISPATCH_GAOZHAO)
    result = subprocess.run(
        [str(ST), "--config-file", str(HERE / "schemathesis.toml"), "run", f"{server}/api/v1/openapi.json",
         "-H", f"Authorization: Bearer {tokens[user]}", "--checks", "all",
         "--phases", "examples,coverage,fuzzing", "--max-examples", EXAMPLES, "--workers", "1",
         "--seed", "20261201", "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=HERE, check=False)
    summary = result.stdout[-6000:]
    print(summary)
    # The whole report, for reading every failure (the assertion shows its end).
    artifacts = HERE.parents[1] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / f"fuzz-{user}.txt").write_text(result.stdout, encoding="utf-8")
    assert result.returncode == 0, summary
    assert " passed" in summary and "failures" not in summary.split("SUMMARY")[-1].lower(), summary
