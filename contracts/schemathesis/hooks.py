"""Schemathesis hooks for the HED mock: two decisions the OpenAPI document cannot express.

Loaded by schemathesis.toml at the repository root, so `st run` started there uses them.
Each is narrow and says why; everything else Schemathesis concludes from the document
must hold of the server as it is.
"""

import json
import re

import schemathesis

# The mock's own bound is 100,000 records per call. Positive cases of POST /__admin/mutations
# are scaled down to this, so a bounded run keeps a small dataset (and GET /__admin/records a
# small body); negative cases (counts out of range, wrong types) are sent as generated.
MUTATION_BUDGET = 25

# The lab's data paths: /hed_data and each other vertical's /{prefix}_data.
DATA_PATH = re.compile(r"^/[a-z]{3}_data$")


@schemathesis.hook("map_case").apply_to(method="POST", path="/__admin/mutations")
def small_mutations(context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return case
    # JSON Schema integers include 755.0: Python reads those as floats.
    case.body = {k: min(v, MUTATION_BUDGET) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in case.body.items()}
    return case


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """A cursor is signed: its schema gives its shape, and a string of that shape the server
    never issued is refused with 400 invalid_cursor, as the parameter's description says.
    Only that refusal of a schema-valid request (ST202) is accepted; any other status or
    error code for a data path (GET /hed_data, /agr_data, ...: each signs its own cursors),
    and every other failure, still fails the run."""
    if case.operation.method.upper() != "GET" or not DATA_PATH.match(case.operation.path):
        return True
    if getattr(failure, "code", None) != "ST202" or response.status_code != 400:
        return True
    if not (case.query or {}).get("cursor"):
        return True
    try:
        error = json.loads(response.content).get("error")
    except (ValueError, AttributeError):
        return True
    return error != "invalid_cursor"
