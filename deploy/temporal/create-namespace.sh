#!/bin/sh
# One-shot job (image temporalio/admin-tools): create the namespace and register the custom search
# attributes the service sets on its workflows (Web UI filtering). Idempotent.
# Env: TEMPORAL_ADDRESS (temporal:7233), TEMPORAL_NAMESPACE (default), TEMPORAL_NAMESPACE_RETENTION (72h),
#      SEARCH_ATTRIBUTES: space-separated Name=Type pairs, e.g. "ShopId=Keyword ConnectionState=Keyword".
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${TEMPORAL_NAMESPACE:=default}"
: "${TEMPORAL_NAMESPACE_RETENTION:=72h}"
: "${SEARCH_ATTRIBUTES:=}"
export TEMPORAL_ADDRESS

# retry TRIES CMD...: run CMD until it succeeds, 2 s apart (the server's namespace and search-attribute
# caches take a few seconds to see a change).
retry() {
  n="$1"
  shift
  i=0
  until "$@"; do
    i=$((i + 1))
    [ "$i" -lt "$n" ] || return 1
    sleep 2
  done
}

echo "waiting for the Temporal frontend at $TEMPORAL_ADDRESS"
retry 90 temporal operator cluster health >/dev/null 2>&1 || { echo "Temporal did not become healthy" >&2; exit 1; }

if temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $TEMPORAL_NAMESPACE exists"
else
  echo "creating namespace $TEMPORAL_NAMESPACE (retention $TEMPORAL_NAMESPACE_RETENTION)"
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$TEMPORAL_NAMESPACE_RETENTION"
fi

# A new namespace reaches the frontend's namespace cache after a few seconds.
retry 60 temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 \
  || { echo "namespace $TEMPORAL_NAMESPACE is not visible to the frontend" >&2; exit 1; }
existing="$(temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE")"
for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%=*}"
  type="${pair#*=}"
  if printf '%s\n' "$existing" | grep -Eq "^[[:space:]]*${name}[[:space:]]"; then
    echo "search attribute $name exists"
  else
    echo "registering search attribute $name ($type)"
    retry 10 temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type" \
      || { echo "could not register search attribute $name" >&2; exit 1; }
  fi
done

# The frontend caches search-attribute metadata: wait until a query that uses them is accepted, so the
# worker and the API never start workflows with attributes the server does not know yet.
for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%=*}"
  retry 60 temporal workflow count --namespace "$TEMPORAL_NAMESPACE" --query "$name = 'probe'" >/dev/null 2>&1 \
    || { echo "search attribute $name is not queryable" >&2; exit 1; }
done

echo "namespace $TEMPORAL_NAMESPACE ready with search attributes: $SEARCH_ATTRIBUTES"
