/**
 * The sends of a synthetic trace (scripts/synthetic.ts): `network_egress` calls with `net`
 * records shaped as the agent writes them (docs/trace-format.md "Egress records";
 * agent/catalogue/network.ts for the hook ids; reports/trace/format.ts NetRecord) — OkHttp
 * requests followed by their TLS writes, platform HttpURLConnection TLS writes, plain socket
 * writes; hosts of catalogued SDKs (reports/sdk/catalogue/domains.ts), of the app and unknown
 * ones; some carrying identifiers the same party (or another one) read earlier, in the encodings
 * and places SDKs use, some only in what was handed to a cipher before (conf 0.6), some in
 * cleartext, some with no hooked read behind them.
 */
import type { NetMatch, NetRecord, StackFrame } from "../reports/trace/format.js";
import type { CallInput, TraceWriter } from "../reports/trace/writer.js";

const OKHTTP_HOOK = "net.CallServerInterceptor.intercept";
const TLS_HOOK = "net.SSLOutputStream.write.fd";
const SOCKET_HOOK = "net.SocketOutputStream.socketWrite";
/** The hooks the sends come from, for the manifest's coverage. */
export const EGRESS_HOOKS: readonly string[] = [OKHTTP_HOOK, TLS_HOOK, SOCKET_HOOK];

/**
 * What a read of each identifier returns, redacted as the agent writes it (docs/trace-format.md
 * "Value summaries": equal values, equal hashes within a run): one device, one value per kind.
 */
export const READ_SUMMARY: Readonly<Record<string, string>> = {
  imei: "hash:8d0e41c2a7f3",
  imsi: "hash:36b9f05d1e8a",
  android_id: "hash:c1f7a9e04b62",
  location: "hash:5f2c9a1be07d",
  mac: "hash:e2b4d6f80a13",
};

/** The agent's scan bound per payload (docs/trace-format.md `cut`). */
const SCAN_BOUND = 64 * 1024;

type Carried = readonly [kind: string, enc: string, where: NetMatch["where"]];

/** One way a party sends: where to, through which stack, and what its sends may carry. */
interface Sender {
  /** Index into the generator's CALLERS: the party that sends, whose own reads its matches name first (-1: a party that reads nothing). */
  readonly caller: number;
  /** Whose reads its matches name, when not its own: a party that reads nothing and sends what another read. */
  readonly from?: number;
  readonly frames: readonly StackFrame[];
  readonly host: string;
  readonly port: number;
  /** okhttp: app-bundled OkHttp (its record, then its TLS write); tls: the platform's HttpURLConnection; socket: plain TCP. */
  readonly via: "okhttp" | "tls" | "socket";
  readonly method?: string;
  readonly carries: readonly Carried[];
}

const SENDERS: readonly Sender[] = [
  { caller: 0, frames: [{ c: "com.example.shop.net.ApiClient", m: "post", f: "ApiClient.kt", l: 54 }], host: "api.shop.example.com", port: 443, via: "okhttp", method: "POST", carries: [["android_id", "base64", "header"]] },
  { caller: 1, frames: [{ c: "com.umeng.commonsdk.framework.UMNetWorkSender", m: "sendRequest" }, { c: "com.umeng.commonsdk.framework.UMWorkDispatch", m: "handleEvent" }], host: "ulogs.umeng.com", port: 443, via: "tls", method: "POST", carries: [["android_id", "md5-lower", "pre-encryption"], ["imei", "md5-lower", "pre-encryption"]] },
  { caller: 2, frames: [{ c: "cn.jpush.android.helper.d", m: "a" }, { c: "cn.jpush.android.service.PushService", m: "onStartCommand" }], host: "tsis.jpush.cn", port: 443, via: "tls", method: "POST", carries: [["imei", "plain", "body"], ["android_id", "plain", "body"]] },
  { caller: 2, frames: [{ c: "cn.jpush.android.service.e", m: "b" }, { c: "cn.jpush.android.service.PushService", m: "onStartCommand" }], host: "183.232.57.12", port: 7000, via: "socket", carries: [["imsi", "hex-lower", "body"]] },
  { caller: 3, frames: [{ c: "com.qq.e.comm.net.NetworkClientImpl", m: "execute" }, { c: "com.qq.e.comm.managers.status.DeviceStatus", m: "report" }], host: "mi.gdt.qq.com", port: 443, via: "tls", method: "GET", carries: [["location", "plain", "url"], ["android_id", "md5-upper", "url"]] },
  { caller: 4, frames: [{ c: "com.amap.api.location.core.d", m: "a" }, { c: "com.amap.api.location.APSService", m: "a" }], host: "apilocate.amap.com", port: 443, via: "tls", method: "POST", carries: [["location", "plain", "pre-encryption"], ["mac", "plain", "pre-encryption"], ["imsi", "plain", "pre-encryption"]] },
  // The map's tiles: sends that carry nothing.
  { caller: 4, frames: [{ c: "com.amap.api.mapcore.util.TileServerHandler", m: "fetchTile" }, { c: "com.amap.api.maps.MapView", m: "loadTiles" }], host: "wprd01.is.autonavi.com", port: 443, via: "tls", method: "GET", carries: [] },
  { caller: 5, frames: [{ c: "com.bytedance.sdk.openadsdk.core.n", m: "a" }, { c: "com.bytedance.sdk.openadsdk.TTAdSdk", m: "init" }], host: "api-access.pangle.io", port: 443, via: "okhttp", method: "POST", carries: [["android_id", "sha256-lower", "body"], ["mac", "hex-upper", "header"]] },
  { caller: 6, frames: [{ c: "com.acme.tracker.Uploader", m: "flush" }], host: "t.tracker.example", port: 80, via: "socket", method: "POST", carries: [["android_id", "plain", "url"], ["imei", "plain", "body"]] },
  // Bugly is handed the app's device id (CrashReport.setDeviceId) and reads none itself: sharing.
  { caller: -1, from: 0, frames: [{ c: "com.tencent.bugly.crashreport.common.info.a", m: "b" }, { c: "com.tencent.bugly.proguard.u", m: "run" }], host: "android.bugly.qq.com", port: 443, via: "tls", method: "POST", carries: [["android_id", "plain", "body"], ["imei", "md5-lower", "body"]] },
  { caller: 7, frames: [{ c: "a.b.f", m: "a" }, { c: "a.b.e", m: "run" }], host: "203.0.113.7", port: 8080, via: "socket", method: "POST", carries: [["mac", "plain", "body"], ["android_id", "sha1-lower", "body"]] },
];

// What lies between the hooked method and the sender's frames (frames[0] is the hook's caller).
const OKHTTP_FRAMES: readonly StackFrame[] = [{ c: "okhttp3.internal.http.RealInterceptorChain", m: "proceed" }, { c: "okhttp3.RealCall", m: "getResponseWithInterceptorChain" }, { c: "okhttp3.RealCall", m: "execute" }];
const OKHTTP_TLS_FRAMES: readonly StackFrame[] = [{ c: "okio.OutputStreamSink", m: "write" }, { c: "okio.RealBufferedSink", m: "flush" }, { c: "okhttp3.internal.http1.Http1ExchangeCodec", m: "finishRequest" }, { c: "okhttp3.internal.http.CallServerInterceptor", m: "intercept" }, ...OKHTTP_FRAMES];
const PLATFORM_TLS_FRAMES: readonly StackFrame[] = [{ c: "com.android.okhttp.okio.RealBufferedSink", m: "flush" }, { c: "com.android.okhttp.internal.huc.HttpURLConnectionImpl", m: "execute" }, { c: "com.android.okhttp.internal.huc.HttpURLConnectionImpl", m: "getResponse" }];
const SOCKET_FRAMES: readonly StackFrame[] = [{ c: "java.net.SocketOutputStream", m: "write" }, { c: "java.io.BufferedOutputStream", m: "flush" }];

/**
 * Generates sends. The generator tells it each identifying read (`read`), then asks for the next
 * send (`next`): an OkHttp request gives its record now and its TLS write on the following call
 * (`pending`), as the agent records both layers on one thread.
 */
export class EgressModel {
  private readonly stacks: { send: number; tls?: number }[];
  /** Seq of each party's last read of each kind; and anyone's. */
  private readonly own = new Map<string, number>();
  private readonly any = new Map<string, number>();
  private queued: Omit<CallInput, "t"> | undefined;

  constructor(w: TraceWriter, root: readonly StackFrame[], private readonly rand: () => number) {
    this.stacks = SENDERS.map((s) => {
      const mine = [...s.frames, ...root];
      if (s.via === "okhttp") return { send: w.stack([...OKHTTP_FRAMES, ...mine]), tls: w.stack([...OKHTTP_TLS_FRAMES, ...mine]) };
      return { send: w.stack([...(s.via === "tls" ? PLATFORM_TLS_FRAMES : SOCKET_FRAMES), ...mine]) };
    });
  }

  /** An identifying read that returned: what later sends name as `readSeq`. */
  read(caller: number, kind: string, seq: number): void {
    this.own.set(`${caller}|${kind}`, seq);
    this.any.set(kind, seq);
  }

  /** The TLS write of the OkHttp request just sent, at time t, if one is due. */
  pending(t: number): CallInput | undefined {
    const q = this.queued;
    this.queued = undefined;
    return q && { ...q, t };
  }

  /** A send at time t from a random sender. */
  next(t: number, pid: number): CallInput {
    const i = Math.floor(this.rand() * SENDERS.length);
    const s = SENDERS[i]!;
    const tid = pid + 40 + i;
    const matches = this.matches(s);
    // Most requests are small; one in 200 is an upload past the agent's scan bound.
    const bytes = this.rand() < 0.005 ? SCAN_BOUND + Math.floor(this.rand() * 200_000) : 180 + Math.floor(this.rand() * 3000);
    const wire: NetRecord = {
      layer: s.via === "okhttp" ? "tls" : s.via,
      host: s.host,
      port: s.port,
      tls: s.via !== "socket",
      bytes,
      ...(s.method ? { method: s.method } : {}),
      ...(bytes > SCAN_BOUND ? { cut: bytes - SCAN_BOUND } : {}),
      ...(matches.length > 0 ? { matches } : {}),
    };
    const call = (hook: string, stack: number, net: NetRecord): Omit<CallInput, "t"> => ({ hook, cat: "network_egress", out: "returned", pid, tid, stack, net });
    if (s.via !== "okhttp") return { t, ...call(s.via === "tls" ? TLS_HOOK : SOCKET_HOOK, this.stacks[i]!.send, wire) };
    // OkHttp's record: the body's declared length (none for a GET), the same identifiers in the request.
    const body = s.method === "GET" ? undefined : Math.max(0, bytes - 160);
    const request: NetRecord = { layer: "okhttp", host: s.host, port: s.port, tls: true, ...(body !== undefined ? { bytes: body } : {}), method: s.method!, ...(matches.length > 0 ? { matches } : {}) };
    this.queued = call(TLS_HOOK, this.stacks[i]!.tls!, wire);
    return { t, ...call(OKHTTP_HOOK, this.stacks[i]!.send, request) };
  }

  /**
   * What one send carries: each identifier the sender sends, in one send of three, named by the
   * sender's own last read of it (or that of the party it has it from; mostly), the last read of
   * anyone, or no read (a value the trace has no hooked read of).
   */
  private matches(s: Sender): NetMatch[] {
    const out: NetMatch[] = [];
    for (const [kind, enc, where] of s.carries) {
      if (this.rand() >= 1 / 3) continue;
      const r = this.rand();
      const reader = s.from ?? s.caller;
      const readSeq = r < 0.85 ? (this.own.get(`${reader}|${kind}`) ?? this.any.get(kind)) : r < 0.95 ? this.any.get(kind) : undefined;
      out.push({ kind, enc, where, ...(readSeq !== undefined ? { readSeq } : {}), conf: where === "pre-encryption" ? 0.6 : 1 });
    }
    return out;
  }
}
