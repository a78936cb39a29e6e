#!/usr/bin/env bash
# `make demo`: ingest the sample knowledge base into a fresh data folder and search it.
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
while IFS= read -r question; do
  [ -n "$question" ] || continue
  echo
  echo "== ragd search -k 3 \"$question\""
  "$ragd" search --data "$data" -k 3 "$question"
done < "$root/examples/demo-questions.txt"
echo
echo "== ragd search --domain events tasting  (a filter inside the search)"
"$ragd" search --data "$data" --domain events -k 3 tasting
