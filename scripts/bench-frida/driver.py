"""bench:frida's driver: real Frida (PyPI's frida wheel, which carries frida-core) against the
benchmark targets: one process per target, one run. Started by ../bench-frida.ts, which compiles
the targets and bundles the scripts; prints one JSON object on stdout.

Java target (BenchJava on a HotSpot JVM): getImei() timed inside the JVM with no hook, then with
each script loaded in turn (bare replacement, the permtrace agent, camille-style) and unloaded
before the next; the bare call is timed again at the end, to show the JVM went back to it.
Native target (bench-native.c): open and ioctl timed with no hook, with empty C listeners
(what Interceptor.attach costs at least), then with the agent; the three in turn, several cycles, the best kept.
Egress target (BenchEgress on a HotSpot JVM): the socket write the agent's egress scan inspects
(SocketOutputStream.socketWrite of a request with a 2 KiB and a 64 KiB body) with no agent, with
the agent hooking it and nothing learned (no scan), and with the agent knowing ~20 device values
(the scan runs), each in a fresh JVM; cycled, the best kept; then one request carrying a learned
value checks the scan ran.
A phase that fails (a script error, the target dying) is reported as such; the rest still run
when the target is alive.
"""
import argparse
import json
import subprocess
import sys
import threading
import time

import frida


class TargetDied(Exception):
    pass


class Target:
    """A benchmark process answering "<what> <n>" with "ns <total> ..." on stdout."""

    def __init__(self, argv, cwd):
        self.proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        ready = self.proc.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"{argv[0]} did not start: {ready}")
        self.ready = ready
        self.pid = self.proc.pid
        self.calls = 0

    def ns(self, what, n):
        try:
            self.proc.stdin.write(f"{what} {n}\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline().split()
        except (BrokenPipeError, OSError):
            line = []
        if not line or line[0] != "ns":
            raise TargetDied(f"the target died (exit status {self.proc.wait(timeout=10)})")
        self.calls += n
        return int(line[1])

    def us_per_call(self, what, max_n, rounds, budget_s):
        """Best of `rounds` timed runs after a warm-up, in µs per call; n sized to ~budget_s a run."""
        n0 = max(1, min(max_n, 200))
        first = self.ns(what, n0) / n0 / 1000.0
        n = max(n0, min(max_n, int(budget_s * 1e6 / max(first, 1e-3))))
        self.ns(what, max(1, n // 10))
        return {"us": min(self.ns(what, n) for _ in range(rounds)) / n / 1000.0, "n": n}

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


class Loaded:
    """A script loaded into a session, its messages counted (number and payload bytes)."""

    def __init__(self, session, source):
        self.messages = 0
        self.bytes = 0
        self.matches = 0
        self.errors = []
        self.lock = threading.Lock()
        self.script = session.create_script(source)
        self.script.on("message", self.on_message)
        self.script.load()
        self.rpc = self.script.exports_sync

    def on_message(self, message, data):
        with self.lock:
            if message.get("type") == "error":
                self.errors.append(message.get("description"))
            payload = message.get("payload")
            if isinstance(payload, dict) and payload.get("type") == "agent-error" and len(self.errors) < 3:
                self.errors.append(str(payload.get("message"))[:300])
            self.messages += 1
            self.bytes += len(json.dumps(payload))
            if isinstance(payload, dict) and payload.get("type") == "batch":
                # Egress records: [id, [layer, host, port, tls, bytes, matches?, ...]] (agent/protocol.ts NetTuple).
                self.matches += sum(len(t[1][5]) for t in payload.get("net") or [] if len(t[1]) > 5 and t[1][5])

    def reset(self):
        with self.lock:
            self.messages = self.bytes = 0

    def settle(self, quiet_s=0.5, limit_s=30.0):
        """Waits until messages stop arriving: sent ones are still in flight when a run ends."""
        last, deadline = -1, time.time() + limit_s
        while time.time() < deadline:
            with self.lock:
                now = self.messages
            if now == last:
                return
            last = now
            time.sleep(quiet_s)


def phase(fn):
    """Runs one phase; a failure becomes {"error": ...} instead of ending the benchmark."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - any failure is a measurement result here
        return {"error": f"{type(e).__name__}: {e}".strip()[:500]}


def java_hooked(args, session, target, source, install, recorded, is_agent):
    """Loads a script, installs its hook, times getImei, counts what it sent, unloads it."""
    loaded = Loaded(session, source)
    try:
        runtime = install(loaded)
        loaded.reset()
        before_calls, before_rec = target.calls, recorded(loaded)
        result = target.us_per_call("run", args.calls, args.rounds, args.budget)
        calls = target.calls - before_calls
        if is_agent:
            loaded.rpc.flush()
        loaded.settle()
        result.update({
            "runtime": runtime,
            "calls": calls,
            "seen": recorded(loaded) - before_rec,
            "messagesPerCall": loaded.messages / calls,
            "bytesPerCall": loaded.bytes / calls,
            "errors": loaded.errors,
        })
        return result
    finally:
        if target.alive():
            phase(loaded.rpc.dispose if is_agent else loaded.rpc.uninstall)
            phase(loaded.script.unload)


def agent_calls(loaded):
    status = loaded.rpc.status()
    return status.get("calls", 0) if isinstance(status, dict) else 0


def bench_java(args):
    # getImei is kept out of line: inlined into the loop, the bare call costs nothing at all.
    argv = [args.java, "-Xshare:off", f"-XX:ErrorFile={args.workdir}/hs_err_%p.log", "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=dontinline,android.telephony.TelephonyManager::getImei", "-cp", args.classpath, "BenchJava", str(args.depth)]
    target = Target(argv, args.workdir)
    out = {}
    try:
        out["bare"] = target.us_per_call("run", args.calls, args.rounds, args.budget)
        session = frida.attach(target.pid)
        out["runtime"] = phase(lambda: probe_runtime(session, args.probe_script))
        plain = lambda loaded: loaded.rpc.install()  # noqa: E731
        hits = lambda loaded: loaded.rpc.hits()  # noqa: E731

        def agent(loaded):
            coverage = loaded.rpc.init({"appPackage": "com.permtrace.bench", "include": ["telephony.TelephonyManager.getImei"]})
            rows = [r for r in coverage if isinstance(r, list) and r[:1] == ["telephony.TelephonyManager.getImei"]] if isinstance(coverage, list) else []
            if not rows or rows[0][1] != "hooked":
                raise RuntimeError(f"the agent did not hook getImei: {rows or coverage}")
            return None

        for label, path, install, seen in (
            ("replacement", args.bare_script, plain, hits),
            ("agent", args.agent, agent, agent_calls),
            ("camille", args.camille_script, plain, hits),
        ):
            if not target.alive():
                out[label] = {"error": "not measured: the target had died"}
                continue
            with open(path) as f:
                source = f.read()
            out[label] = phase(lambda: java_hooked(args, session, target, source, install, seen, label == "agent"))
        out["bareAfter"] = phase(lambda: target.us_per_call("run", args.calls, args.rounds, args.budget)) if target.alive() else {"error": "not measured: the target had died"}
        phase(session.detach)
    finally:
        target.close()
    return out


def probe_runtime(session, path):
    with open(path) as f:
        probe = session.create_script(f.read())
    probe.load()
    try:
        return probe.exports_sync.runtime()
    finally:
        probe.unload()


NATIVE_OPS = ("open-nomatch", "open-match", "ioctl-nomatch", "ioctl-match")


def keep_best(table, what, timed):
    """Keeps the fastest of several cycles (this machine is shared: load comes and goes)."""
    old = table.get(what)
    if old is None or "error" in old or ("us" in timed and timed["us"] < old["us"]):
        table[what] = {**timed, "recorded": (old or {}).get("recorded", 0) + timed.get("recorded", 0)}


def native_cycle(args, target, session, out):
    """One cycle: every op with no hook, with empty C listeners, then with the agent."""
    time_all = lambda table, extra=lambda: {}: [  # noqa: E731
        keep_best(table, w, {**phase(lambda: target.us_per_call(w, args.native_calls, args.rounds, args.budget)), **extra()}) for w in NATIVE_OPS
    ]
    time_all(out["none"])
    with open(args.floor_script) as f:
        floor = Loaded(session, f.read())
    time_all(out["floor"])
    floor.script.unload()
    with open(args.agent) as f:
        loaded = Loaded(session, f.read())
    coverage = loaded.rpc.init({"appPackage": "com.permtrace.bench"})
    out["hooked"] = [r[0] for r in coverage if isinstance(r, list) and len(r) > 1 and r[1] == "hooked"]
    for w in NATIVE_OPS:
        before = agent_calls(loaded)
        timed = phase(lambda: target.us_per_call(w, args.native_calls, args.rounds, args.budget))
        if not target.alive():
            out["agent"][w] = timed
            return
        keep_best(out["agent"], w, {**timed, "recorded": agent_calls(loaded) - before})
    loaded.rpc.flush()
    loaded.settle()
    out["errors"] = loaded.errors
    phase(loaded.rpc.dispose)
    phase(loaded.script.unload)


def bench_native(args):
    target = Target([args.native], args.workdir)
    out = {"none": {}, "floor": {}, "agent": {}, "cycles": args.cycles}
    try:
        session = frida.attach(target.pid)
        for _ in range(args.cycles):
            if target.alive():
                native_cycle(args, target, session, out)
        if target.alive():
            phase(session.detach)
    finally:
        target.close()
    return out


EGRESS_OPS = ("req2k", "req64k")
EGRESS_HOOK = "net.SocketOutputStream.socketWrite"


def jvm_crash(workdir, pid):
    """The problematic frame of a HotSpot crash log the target left, if any."""
    try:
        with open(f"{workdir}/hs_err_{pid}.log") as f:
            lines = f.read().split("\n")
    except OSError:
        return None
    at = [i for i, l in enumerate(lines) if l.startswith("# Problematic frame:")]
    return lines[at[0] + 1].lstrip("# ").strip() if at else "see its hs_err log"


def egress_measure(args, target, known, source):
    """In a fresh JVM: the agent loaded at once (known None: no agent), then each op timed."""
    out = {}
    if known is not None:
        session = frida.attach(target.pid)
        loaded = Loaded(session, source)
        config = {"appPackage": "com.permtrace.bench", "include": [EGRESS_HOOK]}
        if known:
            config["knownValues"] = known
        coverage = loaded.rpc.init(config)
        rows = [r for r in coverage if isinstance(r, list) and r[:1] == [EGRESS_HOOK]] if isinstance(coverage, list) else []
        if not rows or rows[0][1] != "hooked":
            raise RuntimeError(f"the agent did not hook {EGRESS_HOOK}: {rows or coverage}")
        out["runtime"] = phase(lambda: probe_runtime(session, args.probe_script))
    for op in EGRESS_OPS:
        before_calls = target.calls
        before_rec = agent_calls(loaded) if known is not None else 0
        out[op] = target.us_per_call(op, args.egress_calls, args.rounds, args.budget)
        if known is not None:
            out[op].update({"recorded": agent_calls(loaded) - before_rec, "calls": target.calls - before_calls})
    if known is not None:
        # One request carrying a learned value: its record holds a match when values were learned.
        loaded.rpc.flush()
        loaded.settle()
        loaded.matches = 0
        before = agent_calls(loaded)
        target.ns("marked", 1)
        loaded.rpc.flush()
        loaded.settle()
        out.update({"markedRecorded": agent_calls(loaded) - before, "markedMatches": loaded.matches, "errors": loaded.errors})
    return out


def egress_run(args, known, source):
    """One configuration in its own JVM, killed past --egress-deadline (a crashed HotSpot can hang in its error handler)."""
    argv = [args.java, "-Xshare:off", f"-XX:ErrorFile={args.workdir}/hs_err_%p.log", "-cp", args.classpath, "BenchEgress", args.marker]
    target = Target(argv, args.workdir)
    timer = threading.Timer(args.egress_deadline, target.proc.kill)
    timer.start()
    try:
        got = phase(lambda: egress_measure(args, target, known, source))
        crash = jvm_crash(args.workdir, target.pid)
        if crash:
            got = {"error": f"the JVM crashed in {crash} ({got.get('error', 'after the run')})"}
        return got, [int(x) for x in target.ready[2:4]]
    finally:
        timer.cancel()
        target.close()


def bench_egress(args):
    """The hooked socket write with no agent, the agent with nothing learned, the agent with known values.

    Each configuration runs in a fresh JVM: hooking the method again after an agent that had hooked
    it was disposed and unloaded crashed HotSpot 17 here (SIGSEGV in HasEvolDependency::do_metadata
    under VM_RedefineClasses::flush_dependent_code, which the bridge's lib/jvm.js calls to install
    a replacement; one crash in a handful of dispose/re-init rounds; cf. frida/frida-java-bridge#299).
    Cycled, the best kept.
    """
    with open(args.known_values) as f:
        known = json.load(f)
    args.marker = known[0]["value"]
    with open(args.agent) as f:
        source = f.read()
    out = {"none": {}, "noscan": {}, "scan": {}, "values": len(known), "cycles": args.egress_cycles}
    for _ in range(args.egress_cycles):
        for label, values in (("none", None), ("noscan", []), ("scan", known)):
            got, sizes = egress_run(args, values, source)
            out["bytes"] = dict(zip(EGRESS_OPS, sizes))
            if "error" in got:
                out[label]["error"] = got["error"]
                continue
            for op in EGRESS_OPS:
                old = out[label].get(op)
                samples = (old or {}).get("samples", []) + [got[op]["us"]]
                out[label][op] = {**(got[op] if old is None or got[op]["us"] < old["us"] else old), "samples": samples}
            if isinstance(got.get("runtime"), str):
                out["runtime"] = got["runtime"]
            for k in ("markedRecorded", "markedMatches", "errors"):
                if k in got:
                    out[label][k] = got[k]
    return out


def main():
    p = argparse.ArgumentParser()
    for flag in ("--java", "--classpath", "--native", "--agent", "--bare-script", "--camille-script", "--probe-script", "--floor-script", "--workdir", "--known-values"):
        p.add_argument(flag, required=True)
    p.add_argument("--egress-calls", type=int, default=20000, help="most socket writes in one timed run")
    p.add_argument("--egress-deadline", type=float, default=300, help="seconds one egress JVM may run")
    p.add_argument("--egress-cycles", type=int, default=5, help="egress: a fresh JVM per configuration, this many times over")
    p.add_argument("--calls", type=int, default=200000, help="most getImei calls in one timed run")
    p.add_argument("--native-calls", type=int, default=200000, help="most libc calls in one timed run")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cycles", type=int, default=3, help="native: no hook, empty listeners, agent, this many times over")
    p.add_argument("--budget", type=float, default=0.5, help="seconds one timed run aims at")
    p.add_argument("--depth", type=int, default=30, help="Java frames under the call")
    p.add_argument("--only", choices=("java", "native", "egress", "both", "all"), default="all")
    args = p.parse_args()
    result = {"frida": frida.__version__}
    if args.only in ("java", "both", "all"):
        result["java"] = phase(lambda: bench_java(args))
    if args.only in ("native", "both", "all"):
        result["native"] = phase(lambda: bench_native(args))
    if args.only in ("egress", "all"):
        result["egress"] = phase(lambda: bench_egress(args))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
