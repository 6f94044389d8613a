/**
 * The agent's hook catalogue is data: one module per Android API family, each a readonly array
 * of HookEntry. One installer (agent/engine/installer.ts) turns entries into hooks; nothing in a
 * catalogue module runs code.
 */
import type { Category } from "../../reports/trace/categories.js";

/** How an argument or return value is summarised before it leaves the device. */
export type Summary =
  /** The value as a string (cut at 256 characters): for non-identifying values only. */
  | "raw"
  /** Salted SHA-256 prefix (`hash:…`): equal values stay comparable within a run. */
  | "hash"
  /** Masked (`mask:86********1234`): keeps the shape, hides the value. */
  | "mask"
  /** Only the Java type (`type:android.location.Location`). */
  | "type"
  /** Only the length or size (`len:15`). */
  | "len"
  /** A package name (another app's, or the app's own): kept raw, it is not personal data. */
  | "package"
  /** A content URI: scheme, authority and path kept, query and ids dropped. */
  | "uri"
  /** An Intent: its target package/component and action. */
  | "intent"
  /** A String[] or List of permission names. */
  | "permissions"
  /** Not sent at all. */
  | "omit";

/** Named classifiers for entries whose category or relevance depends on an argument. */
export type Classifier =
  /** ContentResolver calls: category from the URI's authority and path (contacts, call log, SMS…). */
  | "content-uri"
  /** startActivity/startService/bindService/sendBroadcast: recorded only when the target is another package. */
  | "other-package-intent"
  /** PackageManager.getPackageInfo & co.: `own` when the package argument (a name, or a ComponentName) is the app's own. */
  | "package-arg"
  /** SensorManager.registerListener: the sensor type in the summary. */
  | "sensor-type"
  /**
   * PackageManager.resolveContentProvider: `own` when the authority is the app's package or under
   * it (AndroidX FileProvider resolves `<applicationId>.fileprovider` on every file share).
   */
  | "authority-arg"
  /**
   * SystemProperties.get: recorded only for a property holding the serial number, IMEI or MEID
   * (the native side channel's `PATTERNS.serial`, agent/catalogue/native.ts); other keys are not.
   */
  | "serial-property"
  /**
   * Starting a process: the command line (argument 0, a String[]) is matched against the known
   * commands that read personal data (agent/catalogue/exec.ts, COMMANDS); the category is the
   * matching command's, other commands are not recorded. The summary is the program's name, the
   * rule that matched and the rest's word count and length, never the rest itself.
   */
  | "command";

export interface HookEntry {
  /** Stable id, `family.Class.method[.variant]`; never reused for another API. */
  readonly id: string;
  /** Fully qualified Java class (nested classes with `$`). */
  readonly className: string;
  /** Method name; `$init` for constructors. */
  readonly method: string;
  /**
   * Which overloads: "all", or the parameter type lists to hook (Java names as frida-java-bridge
   * writes them: `java.lang.String`, `int`, `[Ljava.lang.String;`).
   */
  readonly overloads: "all" | readonly (readonly string[])[];
  /** API levels where the method exists (inclusive); absent = no bound. */
  readonly minApi?: number;
  readonly maxApi?: number;
  /** The permission guarding the API, as the trace records it. */
  readonly permission?: string;
  readonly category: Category;
  /** Record only when argument `arg` (as a string) is one of `oneOf` (e.g. Settings getString "android_id"). */
  readonly when?: { readonly arg: number; readonly oneOf: readonly string[] };
  /**
   * Class prefixes of callers whose calls are the platform's own bookkeeping, not a read: a call
   * whose immediate caller is one of them is not recorded (BluetoothDevice.equals calls
   * getAddress() on every collection lookup). Decided once per distinct stack.
   */
  readonly skipCallers?: readonly string[];
  readonly classify?: Classifier;
  /** Summaries of the arguments by position; missing positions are omitted. */
  readonly args?: readonly Summary[];
  readonly ret?: Summary;
  /** Set when the API is not in the public SDK (an SDK entry point or a hidden method), with why. */
  readonly nonPublic?: string;
  /** What the entry rests on (documentation, the permission mapping). */
  readonly ref?: string;
  /** Set when `className` is an interface: the method is hooked in the classes that implement it. */
  readonly implementations?: Implementations;
  /** Set on `network_egress` entries: how the agent reads the send's destination and payload (agent/engine/egress.ts). */
  readonly egress?: EgressSpec;
}

/** The layer a send is seen at: OkHttp's request (URL, method, headers), a TLS write (plaintext), a plain socket write. */
export type EgressLayer = "okhttp" | "tls" | "socket";

export interface EgressSpec {
  readonly layer: EgressLayer;
  /**
   * The payload argument: a byte[] at `data`, with its offset and length in the two arguments
   * after it (OutputStream.write(byte[], int, int)). Absent for OkHttp, whose request is read
   * from the Interceptor.Chain argument.
   */
  readonly data?: number;
}

/**
 * A pre-encryption scan point (issue 15 item 2): a method an SDK hands its payload to before it
 * is compressed, encrypted or encoded. The agent scans argument `data` (a byte[], with offset and
 * length at `off`/`len` when given) and records nothing unless a learned identifier is in it.
 */
export interface ScanPoint {
  readonly id: string;
  readonly className: string;
  readonly method: string;
  readonly overloads: readonly (readonly string[])[];
  readonly data: number;
  readonly off?: number;
  readonly len?: number;
  readonly ref: string;
  /** Hook the method only where the class declares it, not one it inherits (which would hook every subclass of the holder). */
  readonly declaredOnly?: true;
}

/**
 * An interface's method runs in the classes that implement it: a call through the interface
 * dispatches to the receiver's class, and a hook on the interface's own (abstract) method never
 * runs (frida-java-bridge replaces the one method it is given: lib/android.js `ArtMethodMangler`,
 * lib/jvm.js `installJvmMethod`). The installer (agent/engine/installer.ts) hooks `method` where
 * each implementation declares it (or inherits it from a superclass): the classes named in
 * `known`, looked up by name like any entry's class, in every class loader; and the loaded classes
 * that implement the interface, found by a pass over the loaded classes when the interface is
 * first seen, again after each new class loader and after each call named in `after`. A class
 * loaded later by a loader already there is seen at the next of those passes only. The coverage
 * row says `hooked` with the classes, or `pending` while none is loaded.
 */
export interface Implementations {
  /** Implementing classes known by name (the SDK's own, not obfuscated). */
  readonly known?: readonly string[];
  /** Calls (`class.method`) that create an implementation: the loaded classes are searched again when one returns. */
  readonly after?: readonly string[];
}
