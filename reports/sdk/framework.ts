/**
 * Packages that relay a call without deciding to make it: the platform, language runtimes and
 * general-purpose plumbing (executors, reactive streams, DI, cross-platform bridges). Attribution
 * walks past them. Each entry says why it is transparent.
 */
export const FRAMEWORK_PREFIXES: readonly { readonly prefix: string; readonly why: string }[] = [
  { prefix: "android", why: "Android framework" },
  { prefix: "androidx", why: "Jetpack libraries (lifecycle, work, activity result…)" },
  { prefix: "com.android", why: "platform internals" },
  { prefix: "com.google.android.collect", why: "platform internals" },
  { prefix: "java", why: "Java runtime" },
  { prefix: "javax", why: "Java runtime" },
  { prefix: "jdk", why: "Java runtime" },
  { prefix: "sun", why: "Java runtime" },
  { prefix: "com.sun", why: "Java runtime" },
  { prefix: "libcore", why: "ART core library" },
  { prefix: "dalvik", why: "ART/Dalvik runtime" },
  { prefix: "org.apache.harmony", why: "core library" },
  { prefix: "org.json", why: "platform JSON" },
  { prefix: "org.xml", why: "platform XML" },
  { prefix: "org.w3c", why: "platform XML" },
  { prefix: "org.xmlpull", why: "platform XML" },
  { prefix: "org.chromium", why: "WebView internals (the page or bridge is attributed by its own frames)" },
  { prefix: "de.robv.android.xposed", why: "hooking framework, not the app" },
  { prefix: "re.frida", why: "Frida itself" },
];

/** Frames at which a thread starts: a stack ending there was not cut short. */
export const THREAD_ROOTS: readonly string[] = [
  "java.lang.Thread.run",
  "android.os.Looper.loop",
  "android.os.Looper.loopOnce",
  "com.android.internal.os.ZygoteInit.main",
  "com.android.internal.os.RuntimeInit$MethodAndArgsCaller.run",
  "java.util.concurrent.ThreadPoolExecutor$Worker.run",
  "android.app.ActivityThread.main",
];
