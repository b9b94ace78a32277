"""What hed-tester's Python scripts share (launch.py, engine.py, probe.py): the imports each
runner needs, named once so that probe.py checks exactly what the runner will import, and the
watch on stdin that ends a runner when hed-tester goes away.

The module name is long on purpose: the connector's own folder is on sys.path too.
"""
import os
import sys
from types import SimpleNamespace


def import_grpc_sdk():
    """What launch.py needs (SDK 1.x and 2.x): the SDK, grpc, and the SDK's gRPC servicer module.
    Raises what the import raises."""
    import fivetran_connector_sdk as sdk
    from fivetran_connector_sdk.protos import connector_sdk_pb2_grpc as grpc_module
    import grpc  # noqa: F401  (launch.py serves with it)
    return sdk, grpc_module


def import_engine_sdk():
    """What engine.py needs (SDK 3.x): the SDK, its in-process engine (fivetran-connector-sdk-core)
    and the CLI helpers `fivetran debug` runs it with. Raises what the import raises."""
    import fivetran_connector_sdk as sdk
    import fivetran_connector_sdk_core as core
    from fivetran_connector_sdk_core import constants as core_constants
    from fivetran_connector_sdk_cli import core_adapter, runtime
    from fivetran_connector_sdk_cli.cli_helpers import find_connector_object
    from fivetran_connector_sdk_common import constants as sdk_constants
    from fivetran_connector_sdk_common.configuration import check_dict
    from fivetran_connector_sdk_common.helpers import print_library_log
    from fivetran_connector_sdk_common.logger import Logging
    return SimpleNamespace(
        sdk=sdk,
        core=core,
        core_constants=core_constants,
        core_adapter=core_adapter,
        runtime=runtime,
        find_connector_object=find_connector_object,
        sdk_constants=sdk_constants,
        check_dict=check_dict,
        print_library_log=print_library_log,
        Logging=Logging,
    )


def exit_when_stdin_closes():
    """Blocks until stdin closes (hed-tester went away, even by SIGKILL), then ends the process
    at once. Run it in a daemon thread."""
    try:
        while sys.stdin.buffer.read(65536):
            pass
    finally:
        os._exit(0)
