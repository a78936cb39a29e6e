#!/usr/bin/env bash
# The winery golden sets through the whole pipeline: every question of
# tests/golden/unanswerable.jsonl (the right answer is "the knowledge base does not say", no
# citations) and tests/golden/answerable.jsonl (the expected string in the answer) asked of
# examples/knowledge with `ragd chat --json`, each in a new session, extractive answers (no
# LLM). Prints one JSON line per mode.
#
#   bench/winery_golden.sh              modes: lexical hybrid auto
#   RAGD=build/ragd  MODES="auto"  K=8
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
RAGD="${RAGD:-$ROOT/build/ragd}"
MODES="${MODES:-lexical hybrid auto}"
K="${K:-8}"
WORK="$BENCH/.work/winery-golden"
mkdir -p "$WORK"
DATA="$WORK/data"
rm -rf "$DATA"
"$RAGD" ingest --data "$DATA" "$ROOT/examples/knowledge" > /dev/null

for mode in $MODES; do
  python3 - "$ROOT" "$RAGD" "$DATA" "$mode" "$K" <<'PY'
import json, subprocess, sys
root, ragd, data, mode, k = sys.argv[1:6]
def load(name):
    return [json.loads(l) for l in open(f"{root}/tests/golden/{name}.jsonl") if l.strip()]
unanswerable, answerable = load("unanswerable"), load("answerable")
questions = [q["question"] for q in unanswerable + answerable]
stdin = "".join(f"/new\n{q}\n" for q in questions)
out = subprocess.run([ragd, "chat", "--data", data, "--json", "--mode", mode, "-k", k],
                     input=stdin, capture_output=True, text=True, check=True).stdout
answers = [json.loads(l) for l in out.splitlines() if l.startswith("{") and '"answer"' in l]
assert len(answers) == len(questions), (len(answers), len(questions))
abstained = [a["abstained"] and not a["citations"] for a in answers]
answered_un = [q["id"] for q, a in zip(unanswerable, abstained) if not a]
gold = [q["answer"].lower() in a["answer"].lower() and not a["abstained"]
        for q, a in zip(answerable, answers[len(unanswerable):])]
print(json.dumps({"mode": mode, "k": int(k),
                  "unanswerable_abstained": f"{sum(abstained[:len(unanswerable)])}/{len(unanswerable)}",
                  "answerable_answered": f"{sum(not a for a in abstained[len(unanswerable):])}/{len(answerable)}",
                  "answerable_gold": f"{sum(gold)}/{len(answerable)}",
                  "unanswerable_answered": answered_un}))
PY
done
