"""hed-tester's SDK probe: which fivetran-connector-sdk the Python has and how it is laid out,
read from the installed package's metadata without importing it. Prints one JSON object:
    {"python": "3.11.2", "sdk": "3.0.0" | null, "protos": true | false, "core": "0.1.0" | null}
"""
import json
import platform
from importlib import metadata


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


print(json.dumps({
    "python": platform.python_version(),
    "sdk": version_of("fivetran-connector-sdk"),
    "protos": has_protos("fivetran-connector-sdk"),
    "core": version_of("fivetran-connector-sdk-core"),
}))
