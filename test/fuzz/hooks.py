"""Schemathesis hooks for scripts/fuzz.sh.

- Credentials' base URLs point at the sandboxes, so a generated connect reaches the verification step (a
  generated host outside ALLOWED_VENDOR_ORIGINS is a 400 VALIDATION_FAILED and contacts nothing).
- A valid-looking connection id is replaced by the demo connection's id, so the deeper routes run against a real
  connection; invalid ids are left as generated (they must be rejected with 400).
"""
import os
import re

import schemathesis

HARAVAN_URL = os.environ["FUZZ_HARAVAN_URL"]
TIKI_URL = os.environ["FUZZ_TIKI_URL"]
CONNECTION = os.environ["FUZZ_CONNECTION"]
ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@schemathesis.hook
def map_body(context, body):
    if isinstance(body, dict):
        for key, url in (("haravan", HARAVAN_URL), ("tiki", TIKI_URL)):
            creds = body.get(key)
            if isinstance(creds, dict):
                creds["baseUrl"] = url
    return body


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    operation = getattr(context, "operation", None)
    if operation is not None and str(getattr(operation, "method", "")).upper() == "DELETE":
        return path_parameters  # keep the demo connection connected for the other operations
    value = path_parameters.get("id")
    if isinstance(value, str) and ID.match(value):
        path_parameters["id"] = CONNECTION
    return path_parameters
