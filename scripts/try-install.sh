#!/usr/bin/env bash
# Drive the Haravan app install of `npm start` by hand, as a browser would, against its Haravan sandbox:
#   GET /install?orgid= → sandbox authorize page → grant (as the shop owner) → its form POSTed to /install/login
#   → second authorize → grant → /install/grant → 302 /app with a session cookie → GET /v1/session.
#
#   bash scripts/try-install.sh [PUBLIC_URL] [SHOP_ID]     (defaults: http://localhost:8080, the demo shop)
#
# Prints each step's status; exits non-zero at the first unexpected answer. Needs curl only.
set -euo pipefail

PUBLIC_URL="${1:-${PUBLIC_URL:-http://localhost:8080}}"
PUBLIC_URL="${PUBLIC_URL%/}"
SHOP="${2:-200000244883}"
OWNER=100001 # the sandbox's demo shop owner (sandbox/haravan/accounts.ts, DEMO_USERS)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
jar="$work/cookies" # the browser's cookie jar (the service's install state, then the session)

fail() {
  echo "FAILED: $*" >&2
  [[ -s "$work/body" ]] && sed -e 's/<[^>]*>/ /g' "$work/body" | tr -s ' \n' | head -c 600 >&2 && echo >&2
  exit 1
}

# curl … → "<status> <redirect url>", the body in $work/body
req() { curl -sS -o "$work/body" -b "$jar" -c "$jar" -w '%{http_code} %{redirect_url}\n' "$@"; }

unhtml() { sed -e 's/&#34;/"/g; s/&#39;/'"'"'/g; s/&#60;/</g; s/&#62;/>/g; s/&#38;/\&/g'; }

# The hidden fields of the form in $work/body as --data-urlencode arguments (one per line).
form_fields() {
  grep -o '<input type="hidden" name="[^"]*" value="[^"]*"' "$work/body" |
    sed -e 's/^<input type="hidden" name="\([^"]*\)" value="\([^"]*\)"$/\1=\2/' | unhtml
}

# One authorize pass: open the page at $1, grant as the owner; leaves the self-submitting form in $work/body.
authorize() {
  local url="$1" origin status request
  origin="$(sed -E 's#^(https?://[^/]+).*#\1#' <<<"$url")"
  read -r status _ < <(req "$url")
  echo "  GET  authorize page                 → $status"
  [[ "$status" == 200 ]] || fail "authorize page"
  request="$(grep -o 'name="request" value="[^"]*"' "$work/body" | sed 's/.*value="//; s/"$//')"
  [[ -n "$request" ]] || fail "no authorize request id on the page"
  read -r status _ < <(req -X POST "$origin/connect/authorize/decision" --data-urlencode "request=$request" -d "user=$OWNER" -d "shop=$SHOP" -d decision=grant)
  echo "  POST $origin/connect/authorize/decision (grant) → $status"
  [[ "$status" == 200 ]] || fail "grant"
  grep -q 'name="error"' "$work/body" && fail "the sandbox answered with an error"
  return 0
}

# POST the self-submitting form in $work/body to its action; echoes "<status> <redirect url>".
submit_form() {
  local action args=()
  action="$(grep -o '<form method="post" action="[^"]*"' "$work/body" | sed 's/.*action="//; s/"$//' | unhtml)"
  [[ -n "$action" ]] || fail "no form to submit"
  while IFS= read -r field; do args+=(--data-urlencode "$field"); done < <(form_fields)
  req -X POST "$action" "${args[@]}"
}

echo "Installing on shop $SHOP via $PUBLIC_URL"
read -r status location < <(req "$PUBLIC_URL/install?orgid=$SHOP")
echo "  GET  $PUBLIC_URL/install?orgid=$SHOP → $status ${location%%\?*}"
[[ "$status" == 302 ]] || fail "GET /install"

authorize "$location"
read -r status location < <(submit_form)
echo "  POST $PUBLIC_URL/install/login → $status ${location%%\?*}"
[[ "$status" == 302 ]] || fail "POST /install/login"

authorize "$location"
read -r status location < <(submit_form)
echo "  POST $PUBLIC_URL/install/grant → $status $location"
[[ "$status" == 302 && "$location" == */app ]] || fail "POST /install/grant"

read -r status _ < <(req "$PUBLIC_URL/v1/session")
echo "  GET  $PUBLIC_URL/v1/session → $status $(cat "$work/body")"
[[ "$status" == 200 ]] && grep -q "\"shopId\":$SHOP" "$work/body" || fail "GET /v1/session"
echo "Installed: signed in as shop $SHOP"
