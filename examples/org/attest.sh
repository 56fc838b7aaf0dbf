#!/usr/bin/env bash
# Signs the ten sign-off and drill attestations of the production-readiness
# pack for PROJECT's current commit, with Acme's demo keys (examples/org/keys:
# never use them for real). Each signer would run their own line in real life.
#
#   bash examples/org/attest.sh PROJECT [GONOGO]
set -euo pipefail
project="$1"
gonogo="${2:-gonogo}"
keys="$(cd "$(dirname "$0")/keys" && pwd)"
attest() { # rule role note
  "$gonogo" attest "$1" "$project" --role "$2" --key "$keys/$2.key" --note "$3" --expires 30d > /dev/null
}
attest restore-drill devops "restored last night's backup into staging in 14 minutes"
attest rollback-drill devops "rolled staging back to the previous release"
attest on-call-rotation devops "rotation: https://oncall.acme.example/payments"
attest load-test qa "600 rps for 30 minutes, p95 180 ms, no errors"
attest provider-config devops "backups, alerts and dashboards checked in the providers"
attest signoff-product product "features reviewed"
attest signoff-qa qa "regression suite green"
attest signoff-devops devops "deployment plan reviewed"
attest signoff-security security "threat model and dependency audit reviewed"
attest signoff-engineering engineering "code reviewed"
echo "signed 10 attestations in $project/.gonogo/attestations/"
