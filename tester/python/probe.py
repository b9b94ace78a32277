"""hed-tester's SDK probe: which fivetran-connector-sdk the Python has and how it is laid out,
read from the installed package's metadata, then whether what the runner for that layout
imports does import (the SDK is imported, the connector is not run). Prints one JSON object
as its last line:
    {"python": "3.11.2", "sdk": "3.0.0" | null, "protos": true | false, "core": "0.1.0" | null,
     "imports": {"grpc": null | "ModuleNotFoundError: ...", "engine": null | "..."}}
`imports` holds one entry for each layout the metadata shows (gRPC when the package lists
fivetran_connector_sdk/protos, the engine when fivetran-connector-sdk-core is installed):
null when it imports, else the error in a few words.
"""
import contextlib
import json
import os
import platform
import sys
from importlib import metadata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under PYTHONSAFEPATH
from hed_tester_common import import_engine_sdk, import_grpc_sdk  # noqa: E402


def version_of(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def has_protos(name):
    try:
        files = metadata.files(name) or []
    except metadata.PackageNotFoundError:
        return False
    return any(str(path).replace("\\", "/").startswith("fivetran_connector_sdk/protos/connector_sdk_pb2_grpc") for path in files)


def import_error(load):
    """None when load() imports, else its error in a few words (what it prints goes to stderr)."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            load()
    except BaseException as error:  # a broken install may raise anything, even SystemExit
        text = str(error).strip().splitlines()
        first = text[0] if text else ""
        if len(first) > 160:
            first = first[:157] + "..."
        return f"{type(error).__name__}: {first}" if first else type(error).__name__
    return None


found = {
    "python": platform.python_version(),
    "sdk": version_of("fivetran-connector-sdk"),
    "protos": has_protos("fivetran-connector-sdk"),
    "core": version_of("fivetran-connector-sdk-core"),
}
imports = {}
if found["sdk"] is not None:
    if found["protos"]:
        imports["grpc"] = import_error(import_grpc_sdk)
    if found["core"] is not None:
        imports["engine"] = import_error(import_engine_sdk)
found["imports"] = imports
sys.stderr.flush()
print(json.dumps(found), flush=True)
os._exit(0)  # a thread an SDK import started does not keep the probe alive
