"""hed-tester's launcher: runs a Connector SDK project's connector.py with the SDK's own
gRPC servicer on a free loopback port, and nothing else (no tester download, no Java).

    python launch.py PROJECT_DIR

Input (environment): HED_TESTER_INPUT = {"configuration": {...}, "state": {...}} as JSON.
Output: the connector's own lines, plus one marker line on stdout that hed-tester waits for:
    HED_TESTER_READY port=PORT protocol=v1|v2 sdk=VERSION
or, when the SDK does not import, one line and exit code 3:
    HED_TESTER_NO_SDK <reason>
The process ends when its stdin closes (hed-tester went away, even by SIGKILL) or on SIGTERM.
"""
import importlib.util
import inspect
import json
import os
import queue
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under PYTHONSAFEPATH
from hed_tester_common import exit_when_stdin_closes, import_grpc_sdk

NO_SDK_EXIT = 3
NO_CONNECTOR_EXIT = 4


def fail(code, message):
    print(message, flush=True)
    sys.exit(code)


def import_sdk():
    try:
        return import_grpc_sdk()
    except Exception as error:  # ImportError, or a broken install raising anything else
        fail(NO_SDK_EXIT, f"HED_TESTER_NO_SDK {type(error).__name__}: {error}")


def mark_debugging():
    """The SDK's debug path sets DEBUGGING (1.7.0: fivetran_connector_sdk.constants;
    2.x: fivetran_connector_sdk_common.constants); operations then check for `yield`."""
    for name in ("fivetran_connector_sdk.constants", "fivetran_connector_sdk_common.constants"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "DEBUGGING"):
            module.DEBUGGING = True


class _RememberingInspect:
    """inspect, except stack() describes only the two frames SDK 1.x's yield check reads
    (the operation and the connector line that called it), and remembers them for each pair
    of code positions: a frame's info (file, line, function, source line) follows from its
    code and instruction, so the check itself is unchanged. The full inspect.stack() the SDK
    takes reads the source of every frame on every operation (a sync ran several times
    slower than the connector alone); reading two frames each time still cost 40 us an
    operation, as much as the SDK's upsert itself."""

    def __init__(self):
        self._seen = {}

    def __getattr__(self, name):
        return getattr(inspect, name)

    def stack(self, context=1):
        operation = sys._getframe(1)
        caller = operation.f_back
        key = (operation.f_code, operation.f_lasti, caller.f_code, caller.f_lasti, context)
        frames = self._seen.get(key)
        if frames is None:
            frames = self._seen[key] = [inspect.getframeinfo(operation, context), inspect.getframeinfo(caller, context)]
        return frames


def speed_up_yield_check():
    try:
        operations = importlib.import_module("fivetran_connector_sdk.operations")
    except ImportError:
        return
    if hasattr(operations, "_yield_check") and getattr(operations, "inspect", None) is inspect:
        operations.inspect = _RememberingInspect()


def load_connector(sdk, project_dir):
    """Imports DIR/connector.py the way the SDK's CLI does (module name
    connector_connector_code, DIR on sys.path) and finds its Connector object."""
    path = os.path.join(project_dir, "connector.py")
    if not os.path.isfile(path):
        fail(NO_CONNECTOR_EXIT, f"HED_TESTER_NO_CONNECTOR There is no connector.py in {project_dir}.")
    sys.path.append(project_dir)
    module_name = "connector_connector_code"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    for name in dir(module):
        if name.startswith("__"):
            continue
        value = getattr(module, name)
        if isinstance(value, sdk.Connector):
            return value
    fail(NO_CONNECTOR_EXIT, f"HED_TESTER_NO_CONNECTOR connector.py in {project_dir} defines no Connector object; add `connector = Connector(update=update, schema=schema)`.")


class ConnectorExit(BaseException):
    """exit() inside update(), carried to the gRPC thread so what was yielded before goes first."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def end_process(code):
    print(f"connector.py called exit({code!r}) inside update(); the connector process ends here.", file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def exit_for_real(update, deferred):
    """A connector that calls exit() inside update() means the process to end, as it does under
    the real tester; in the SDK's gRPC worker thread SystemExit would only stall the stream.
    deferred: hand the exit to prefetch_update's consumer (1.x) instead of ending at once (2.x,
    whose own producer thread has already sent every checkpoint before it goes on)."""
    def update_or_exit(*args, **kwargs):
        try:
            result = update(*args, **kwargs)
            if result is not None:
                yield from result
        except SystemExit as stop:
            if not isinstance(stop.code, (int, type(None))):
                print(stop.code, file=sys.stderr)
            if deferred:
                raise ConnectorExit(stop.code) from None
            end_process(stop.code)
    return update_or_exit


def prefetch_update(connector, depth=1000):
    """SDK 1.x runs update() in the gRPC thread that sends: the connector waits for every send
    and every send waits for the connector. A producer thread lets them overlap; the order of
    operations and checkpoints, and the errors the SDK raises, stay exactly as they were."""
    update = connector.Update
    done = object()

    def prefetched(request, context):
        responses = queue.Queue(maxsize=depth)

        def produce():
            try:
                for response in update(request, context):
                    responses.put(response)
                responses.put(done)
            except BaseException as error:  # handed to the gRPC thread, which raises it as before
                responses.put(error)

        threading.Thread(target=produce, daemon=True, name="hed-tester-update").start()
        while True:
            item = responses.get()
            if item is done:
                return
            if isinstance(item, ConnectorExit):
                end_process(item.code)
            if isinstance(item, BaseException):
                raise item
            yield item

    connector.Update = prefetched


def is_v2(grpc_module):
    return hasattr(grpc_module, "add_SourceConnectorServicer_to_server")


def start_server(sdk, grpc_module, connector):
    import grpc
    from concurrent import futures

    if is_v2(grpc_module):
        add, protocol = grpc_module.add_SourceConnectorServicer_to_server, "v2"
    else:
        # 2.x already produces in its own thread; 1.x gets one here.
        add, protocol = grpc_module.add_ConnectorServicer_to_server, "v1"
        prefetch_update(connector)
    size = 32 * 1024 * 1024
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=10),
        options=[("grpc.max_send_message_length", size), ("grpc.max_receive_message_length", size)],
    )
    add(connector, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port, protocol


def main():
    if len(sys.argv) != 2:
        fail(2, "usage: launch.py PROJECT_DIR")
    project_dir = os.path.abspath(sys.argv[1])
    given = json.loads(os.environ.get("HED_TESTER_INPUT") or "{}")
    sdk, grpc_module = import_sdk()
    mark_debugging()
    speed_up_yield_check()
    connector = load_connector(sdk, project_dir)
    # What Connector.run() sets before serving (configuration strings only, checked by hed-tester).
    connector.configuration = given.get("configuration") or {}
    connector.state = given.get("state") or {}
    connector.update_method = exit_for_real(connector.update_method, deferred=not is_v2(grpc_module))
    logging = getattr(sdk, "Logging", None)
    if logging is not None:
        level = getattr(logging.Level, "FINE", None) or getattr(logging.Level, "DEBUG", None)
        if level is not None:
            logging.LOG_LEVEL = level
    server, port, protocol = start_server(sdk, grpc_module, connector)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    version = getattr(sdk, "__version__", "unknown")
    print(f"HED_TESTER_READY port={port} protocol={protocol} sdk={version}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
