#!/usr/bin/env bash
# Signs the twenty-seven sign-off and drill attestations of the production-readiness
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
attest provider-config devops "hosting plan, budgets and usage limits checked"
attest provider-database devops "daily backups, 30-day retention and PITR checked in the database provider"
attest provider-monitoring devops "alert rules and channels checked in Sentry and Grafana"
attest provider-uptime devops "uptime monitor on /health and the status page checked"
attest provider-network devops "security groups, CDN and WAF checked"
attest provider-email devops "sending domain verified, bounce and complaint rates checked"
attest provider-payments devops "Stripe webhook endpoint checked"
attest signoff-product product "features reviewed"
attest product-billing-emails product "trial, billing and email flows reviewed"
attest product-customer-support product "guides and support channels reviewed"
attest product-feedback-analytics product "analytics and feedback collection reviewed"
attest product-roadmap product "deferred features are on the roadmap"
attest signoff-qa qa "regression suite green"
attest qa-feature-flows qa "registration, login, checkout and uploads tested end to end"
attest qa-frontend qa "Chrome, Firefox, Safari, Edge and mobile checked"
attest qa-performance qa "benchmarks recorded; the slow order query indexed"
attest signoff-devops devops "deployment plan reviewed"
attest devops-data-setup devops "seed data applied, first admin created, env backed up"
attest devops-access-contacts devops "access list and emergency contacts current"
attest devops-post-launch-reviews devops "weekly log, metric, backup and cost reviews scheduled"
attest devops-resilience devops "RTO 1 h, RPO 15 min; failover tested in staging"
attest signoff-security security "threat model and dependency audit reviewed"
attest signoff-engineering engineering "code reviewed"
echo "signed 27 attestations in $project/.gonogo/attestations/"
