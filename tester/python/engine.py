"""hed-tester's driver for Connector SDK 3.x: runs a project's connector.py with the SDK's own
in-process engine (fivetran-connector-sdk-core, as the user installed it), the same engine
`fivetran debug` runs, writing WAREHOUSE_DIR/warehouse.db and WAREHOUSE_DIR/state.json.

    python engine.py PROJECT_DIR

Input (environment): HED_TESTER_INPUT = {"configuration": {...}, "state": {...},
"warehouse_dir": "..."} as JSON. The connector's own lines go to stdout and stderr as they
come; what hed-tester needs to know goes to file descriptor 3, one JSON object a line:
    {"event": "started", "sdk": VERSION}
    {"event": "table", "table": NAME}                   a table the engine created
    {"event": "log", "level": LEVEL, "message": TEXT}   a warning of the engine
    {"event": "checkpoint", "state": {...}, "counts": {...}}   once the engine committed it
    {"event": "end", "ok": BOOL, "reason": TEXT, "counts": {...}}
    {"event": "no_sdk" | "no_connector", "message": TEXT}
What this file leaves out of `fivetran debug` is its front end's pre-flight, which needs the
network (a PyPI version check retried for ~7 s offline, and a `pipreqs` scan of the project
retried for ~12 s that also rewrites requirements.txt); the sync itself is the engine's own.
Nothing of the SDK is copied here: it is imported and called as installed.
"""
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # also under PYTHONSAFEPATH
from hed_tester_common import exit_when_stdin_closes, import_engine_sdk

NO_SDK_EXIT = 3
NO_CONNECTOR_EXIT = 4

events = os.fdopen(3, "w", buffering=1, encoding="utf-8")
events_lock = threading.Lock()


def emit(**event):
    with events_lock:
        events.write(json.dumps(event, default=str) + "\n")
        events.flush()


def fail(code, event, message):
    emit(event=event, message=message)
    sys.stdout.flush()
    os._exit(code)


class Tally:
    """Operations the connector sent, and those the engine has committed (at each checkpoint)."""

    def __init__(self):
        self.pending = {"upserts": 0, "updates": 0, "deletes": 0, "truncates": 0}
        self.committed = dict(self.pending, schemaChanges=0, checkpoints=0)

    def commit(self, checkpoint):
        for key, value in self.pending.items():
            self.committed[key] += value
            self.pending[key] = 0
        if checkpoint:
            self.committed["checkpoints"] += 1
        return dict(self.committed)


class WatchedSink:
    """The engine's sink, passed through unchanged; each checkpoint is reported once it returns
    (the engine has then written the rows and the state)."""

    def __init__(self, inner, tally, record_type):
        self._inner = inner
        self._tally = tally
        self._names = {record_type.UPSERT: "upserts", record_type.UPDATE: "updates", record_type.DELETE: "deletes"}

    def record(self, record):
        self._inner.record(record)
        name = self._names.get(record.type)
        if name is not None:
            self._tally.pending[name] += 1

    def truncate(self, truncate):
        self._inner.truncate(truncate)
        self._tally.pending["truncates"] += 1

    def checkpoint(self, checkpoint):
        self._inner.checkpoint(checkpoint)
        emit(event="checkpoint", state=json.loads(checkpoint.state_json), counts=self._tally.commit(True))

    def __getattr__(self, name):  # file_chunk, warning, task: as the engine does them
        return getattr(self._inner, name)


class WatchedSource:
    def __init__(self, inner, tally, record_type):
        self._inner = inner
        self._tally = tally
        self._record_type = record_type

    def schema(self, configuration):
        return self._inner.schema(configuration)

    def update(self, configuration, state, sink):
        return self._inner.update(configuration, state, WatchedSink(sink, self._tally, self._record_type))


def engine_logger(core_constants, tally, print_library_log, sdk_level):
    """The engine's own messages: a created table and warnings become events; the lines hed-tester
    prints itself (previous state, checkpoints, the summary) are not printed twice; the rest is
    printed the way the SDK prints it."""
    created_prefix = core_constants.TABLE_CREATED.split("{", 1)[0]
    quiet_prefixes = tuple(
        text.split("{", 1)[0]
        for text in (core_constants.CHECKPOINT_RECORDED, core_constants.SCHEMA_CHANGE_DETECTED, core_constants.FINAL_CHECKPOINT, core_constants.RESULTS_HINT)
    ) + ("previous state:", "SYNC SUCCEEDED", "SYNC FAILED")

    def log(message, level, icon, indent):
        if message.startswith(created_prefix):
            table = message[len(created_prefix):]
            tally.committed["schemaChanges"] += 1
            emit(event="table", table=table.split(".", 1)[-1], qualified=table)
        elif int(level) >= 4:
            if not message.startswith(("SYNC FAILED",)):
                emit(event="log", level="WARNING" if int(level) == 4 else "SEVERE", message=message)
        elif message.startswith(quiet_prefixes) or message.startswith("writing to") or "warehouse.db" in message and int(icon) == 3:
            return
        else:
            print_library_log(message, sdk_level(int(level)), indent=indent)

    return log


def main():
    if len(sys.argv) != 2:
        print("usage: engine.py PROJECT_DIR", file=sys.stderr)
        sys.exit(2)
    project_dir = os.path.abspath(sys.argv[1])
    given = json.loads(os.environ.get("HED_TESTER_INPUT") or "{}")
    warehouse_dir = os.path.abspath(given.get("warehouse_dir") or os.path.join(project_dir, "files"))
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    try:
        installed = import_engine_sdk()
    except Exception as error:  # an install we do not recognise
        fail(NO_SDK_EXIT, "no_sdk", f"{type(error).__name__}: {error}")
    sdk, core, core_constants = installed.sdk, installed.core, installed.core_constants
    core_adapter, runtime, find_connector_object = installed.core_adapter, installed.runtime, installed.find_connector_object
    sdk_constants, check_dict, print_library_log, Logging = installed.sdk_constants, installed.check_dict, installed.print_library_log, installed.Logging

    # What `fivetran debug` sets before it runs a connector.
    sdk_constants.EXECUTED_VIA_CLI = True
    sdk_constants.DEBUGGING = True
    Logging.LOG_LEVEL = Logging.Level.DEBUG
    os.environ.update({
        "FIVETRAN_CONNECTION_ID": "test_connection_id",
        "FIVETRAN_DEPLOYMENT_MODEL": "local_debug",
        "FIVETRAN_GROUP_ID": "test_group_id",
        "FIVETRAN_CONNECTION_NAME": "test_connection_name",
    })
    connector = find_connector_object(project_dir)  # the SDK's own loader; it says what is wrong
    if connector is None:
        fail(NO_CONNECTOR_EXIT, "no_connector", f"connector.py in {project_dir} did not load (see the lines above); it must define `connector = Connector(update=update, schema=schema)`.")
    emit(event="started", sdk=getattr(sdk, "__version__", "unknown"), core=getattr(core, "__version__", "unknown"))

    tally = Tally()
    core.set_logger(engine_logger(core_constants, tally, print_library_log, Logging.Level))
    try:
        configuration = check_dict(given.get("configuration") or {}, True)
        state = check_dict(given.get("state") or {})
    except Exception as error:
        emit(event="end", ok=False, reason=f"the SDK refused the configuration or state: {error}", counts=tally.commit(False))
        return 1
    connector.configuration = configuration
    connector.state = state
    # The engine writes PROJECT/files/…; the warehouse folder we chose is that `files` (a link when it has another name).
    run_root = os.path.dirname(warehouse_dir)
    link = None
    if os.path.basename(warehouse_dir) != core_constants.FILES_DIR:
        import tempfile
        run_root = tempfile.mkdtemp(prefix="hed-tester-engine-")
        os.makedirs(warehouse_dir, exist_ok=True)
        link = os.path.join(run_root, core_constants.FILES_DIR)
        os.symlink(warehouse_dir, link)
    source = WatchedSource(core_adapter.ConnectorSource(connector), tally, core.RecordType)
    try:
        core.run(source, run_root, configuration, state, True, None, os.path.join(warehouse_dir, core_constants.STATE_FILE))
    except SystemExit as stop:
        code = stop.code
        emit(event="end", ok=False, reason=f"connector.py called exit({code!r}) inside update(); the sync ends there", counts=tally.commit(False))
        return 1
    except BaseException as error:  # what the connector raised, with its traceback in the message
        emit(event="end", ok=False, reason=str(error) or type(error).__name__, counts=tally.commit(False))
        return 1
    finally:
        runtime.install(None)
        if link is not None:
            os.unlink(link)
            os.rmdir(run_root)
    emit(event="end", ok=True, counts=tally.commit(False))
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
