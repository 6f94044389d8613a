"""Relay between the test-only Node shim of the npm `frida` API (test/frida/shim/) and real
frida-core, through PyPI's `frida` wheel (the npm binding cannot be installed everywhere).

JSON lines on stdio. Requests `{"id", "op", ...}`; replies `{"id", "ok": true, "result"}` or
`{"id", "ok": false, "error": {"message", "type"}}` (frida's own message text: the runner shows
it to users); events `{"event", ...}` (script messages, session detached, child added, output).
Objects (devices, sessions, scripts) travel as handle numbers. Each request runs on its own
thread, so a blocking RPC through `script.exports_sync` does not hold up messages or other
requests; writes to stdout are serialised by one lock. The relay ends when stdin closes, killing
the processes it spawned that still run, so a test leaves nothing behind.

Semantics follow frida-python's facade (frida/__init__.py of the 17.18.0 wheel, generated from
frida/frida-python frida/frida_bindgen/assets/): signal callbacks run on frida's thread,
`exports_sync.<name>(*args)` posts ["frida:rpc", id, "call", name, args] and raises
RPCException(message, name, stack) on an agent-side error.
"""

import base64
import json
import os
import sys
import threading
import traceback

import frida

# The protocol keeps the real stdout; fd 1 becomes stderr, so whatever else writes to fd 1
# (frida's default script log handler, a spawned program inheriting stdio) cannot corrupt it.
_proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
_write_lock = threading.Lock()
_handles = {}
_handles_lock = threading.Lock()
_next_handle = [1]
_spawned = set()  # (device handle, pid) spawned or gated through the relay, killed when it ends


def emit(obj):
    line = json.dumps(obj, default=str)
    with _write_lock:
        _proto.write(line + "\n")
        _proto.flush()


def register(obj):
    with _handles_lock:
        handle = _next_handle[0]
        _next_handle[0] += 1
        _handles[handle] = obj
    return handle


def obj(req, key):
    try:
        return _handles[req[key]]
    except KeyError:
        raise frida.InvalidArgumentError(f"relay: no {key} with handle {req.get(key)!r}")


def child_info(child):
    return {
        "pid": child.pid,
        "parentPid": child.parent_pid,
        "origin": child.origin,
        "identifier": child.identifier,
        "path": child.path,
        "argv": list(child.argv or []),
        "envp": list(child.envp or []),
    }


def crash_info(crash):
    if crash is None:
        return None
    return {"pid": crash.pid, "processName": crash.process_name, "summary": crash.summary, "report": crash.report}


_device_handles = {}  # frida's native device object -> handle: one handle (and one set of signal
# connections) per device, as frida-node hands out one JS object per native object


def device_info(device):
    with _handles_lock:
        handle = _device_handles.get(device._impl)
    if handle is None:
        handle = register(device)
        with _handles_lock:
            handle = _device_handles.setdefault(device._impl, handle)
        if _handles[handle] is device:
            watch_device(device, handle)
    return {"handle": handle, "id": device.id, "name": device.name, "type": device.dtype}


def on_child_added(handle, child):
    # A gated child is ours too: killed when the relay ends, if it still runs (a fork resumed
    # without an attach can stay blocked for good: shim/repro-fork-resume.py).
    _spawned.add((handle, child.pid))
    emit({"event": "child-added", "device": handle, "child": child_info(child)})


def watch_device(device, handle):
    device.on("child-added", lambda child: on_child_added(handle, child))
    device.on("spawn-added", lambda spawn: emit({"event": "spawn-added", "device": handle, "spawn": {"pid": spawn.pid, "identifier": spawn.identifier}}))
    device.on("output", lambda pid, fd, data: emit({"event": "output", "device": handle, "pid": pid, "fd": fd, "data": base64.b64encode(data or b"").decode()}))
    device.on("lost", lambda: emit({"event": "lost", "device": handle}))


def op_get_device(req):
    return device_info(frida.get_device_manager().get_device_by_id(req["deviceId"], int(req.get("timeout", 0))))


def op_enumerate_devices(req):
    return [device_info(d) for d in frida.get_device_manager().enumerate_devices()]


def op_add_remote_device(req):
    return device_info(frida.get_device_manager().add_remote_device(req["address"]))


def op_query_system_parameters(req):
    return obj(req, "device").query_system_parameters()


def op_spawn(req):
    device = obj(req, "device")
    # stdio "pipe": the program's output arrives as `output` events instead of mixing into ours.
    pid = device.spawn(req["program"], argv=req.get("argv"), stdio="pipe")
    _spawned.add((req["device"], pid))
    return pid


def op_input(req):
    obj(req, "device").input(req["pid"], base64.b64decode(req["data"]))


def op_resume(req):
    obj(req, "device").resume(req["pid"])


def op_kill(req):
    obj(req, "device").kill(req["pid"])
    _spawned.discard((req["device"], req["pid"]))


def op_attach(req):
    session = obj(req, "device").attach(req["pid"])
    handle = register(session)
    session.on("detached", lambda reason, crash: emit({"event": "detached", "session": handle, "reason": reason, "crash": crash_info(crash)}))
    return {"handle": handle, "pid": req["pid"]}


def op_enable_child_gating(req):
    obj(req, "session").enable_child_gating()


def op_disable_child_gating(req):
    obj(req, "session").disable_child_gating()


def op_detach(req):
    obj(req, "session").detach()


def op_create_script(req):
    script = obj(req, "session").create_script(req["source"], name=req.get("name"))
    handle = register(script)
    script.on("message", lambda message, data: emit({"event": "message", "script": handle, "message": message, "data": None if data is None else base64.b64encode(data).decode()}))
    script.on("destroyed", lambda: emit({"event": "destroyed", "script": handle}))
    # frida-node prints an agent's console.log itself (customization_helpers.ts `log`): forward it.
    script.set_log_handler(lambda level, text: emit({"event": "log", "script": handle, "level": level, "text": text}))
    return {"handle": handle}


def op_load(req):
    obj(req, "script").load()


def op_unload(req):
    obj(req, "script").unload()


def op_eternalize(req):
    obj(req, "script").eternalize()


def op_rpc(req):
    # exports_sync camel-cases snake_case names (frida-python `_to_camel_case`); the shim sends
    # JavaScript names, which have no underscores to convert in this project's agent.
    return getattr(obj(req, "script").exports_sync, req["method"])(*req.get("args", []))


def op_release(req):
    with _handles_lock:
        _handles.pop(req["handle"], None)


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_")}


def error_of(err):
    if isinstance(err, frida.RPCException):
        args = list(err.args) + [None, None, None]
        return {"message": str(args[0]), "type": args[1] or "Error", "stack": args[2]}
    return {"message": str(err), "type": type(err).__name__}


def handle(req):
    try:
        fn = OPS.get(req.get("op"))
        if fn is None:
            raise frida.InvalidArgumentError(f"relay: unknown op {req.get('op')!r}")
        emit({"id": req["id"], "ok": True, "result": fn(req)})
    except Exception as err:  # every failure goes back to the caller, with frida's message
        emit({"id": req.get("id"), "ok": False, "error": error_of(err)})


def shutdown():
    for device_handle, pid in list(_spawned):
        try:
            _handles[device_handle].kill(pid)
        except Exception:
            pass
    _proto.flush()
    # frida's threads would keep a normal exit waiting.
    os._exit(0)


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError:
            emit({"event": "relay-error", "message": f"bad request line: {line[:200]}"})
            continue
        threading.Thread(target=handle, args=(req,), daemon=True).start()
    shutdown()


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
        shutdown()
