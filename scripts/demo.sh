#!/usr/bin/env bash
# `make demo`: ingest the sample knowledge base into a fresh data folder, search it, and ask
# it questions (answers with citations, a follow-up in the same session, and a question the
# knowledge base does not answer).
# Usage: demo.sh RAGD_BINARY DATA_DIR
set -euo pipefail
ragd=$1
data=$2
root=$(cd "$(dirname "$0")/.." && pwd)

rm -rf "$data"
echo "== ragd ingest examples/knowledge  (data folder: $data)"
"$ragd" ingest --data "$data" "$root/examples/knowledge"
echo
echo "== ragd ingest again: nothing changed, nothing to do"
"$ragd" ingest --data "$data" "$root/examples/knowledge"
echo
echo "== ragd collections"
"$ragd" collections --data "$data"
echo
echo "== ragd search -k 3 \"Can I bring my dog?\"  (mode auto: a question, so hybrid)"
"$ragd" search --data "$data" -k 3 "Can I bring my dog?"
echo
echo "== ragd search --domain events tasting  (a filter inside the search)"
"$ragd" search --data "$data" --domain events -k 3 tasting
while IFS= read -r question; do
  [ -n "$question" ] || continue
  echo
  echo "== ragd ask \"$question\""
  "$ragd" ask --data "$data" --no-session "$question"
done < "$root/examples/demo-questions.txt"
echo
echo "== a follow-up in the same session: ragd ask --session ..."
session=$("$ragd" ask --data "$data" --json "How much does a tasting at the estate cost?" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["session_id"])')
"$ragd" ask --data "$data" --session "$session" "Do I need to book it in advance?"
echo
echo "== a question the knowledge base does not answer"
"$ragd" ask --data "$data" --no-session "Do you offer helicopter tours over the vineyard?"
