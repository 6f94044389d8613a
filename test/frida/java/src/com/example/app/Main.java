package com.example.app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Paths;
import java.util.function.Supplier;

/**
 * The Java target. It prints "ready" and waits for "go" (the agent is loaded meanwhile: the
 * bridge needs a running VM, so this stands in for spawn-then-resume), then plays the app:
 * an SDK reads the Android ID before consent, the activity starts, every catalogue call is made,
 * a permission answer arrives, the activity stops, a call is made in background, and a plugin
 * loader brings in the Tencent location SDK and the MSA OAID SDK, whose suppliers are read after
 * the "oaid" phase; then the app sends HTTP requests to a local server (Egress), and an SDK's own
 * OkHttp, when the test provides it, another (OkHttpEgress, after the "okhttp" phase), and one over
 * TLS through its own Conscrypt (TlsEgress, after the "conscrypt" phase), then a 256 KiB upload in one socket write (LargeEgress). The implementations of the catalogue's interfaces (Calls.Impl) are loaded
 * before "ready": classes an app loaded before the agent came. At each "phase <name>" line it waits for "continue"
 * (the test writes markers or waits for the agent there). It prints "done" and exits on "exit":
 * once frida-java-bridge has attached a thread the JVM no longer ends by itself.
 *
 * Usage: Main <folder of the plugin's classes | "none": no plugin stage>
 */
public final class Main {
  private static BufferedReader in;

  public static void main(String[] args) throws Exception {
    // Android's java.net (libcore ojluni, from OpenJDK 8) writes a socket through
    // SocketOutputStream.socketWrite, which the agent hooks; JDK 13+ writes through NioSocketImpl
    // instead and JDK 17 keeps the old implementation behind this property (JEP 353). Read when
    // java.net.SocketImpl is first initialised, so before any socket.
    System.setProperty("jdk.net.usePlainSocketImpl", "true");
    in = new BufferedReader(new InputStreamReader(System.in));
    Rec r = new Rec(System.out);
    Class.forName("com.example.app.Calls$Impl");
    say("ready");
    expect("go");
    android.app.Application app = android.app.ActivityThread.currentApplication();

    r.begin("sdk.umeng.android_id", new Object[] { app });
    String androidId = com.umeng.commonsdk.statistics.common.DeviceConfig.getAndroidId(app);
    r.ret(androidId);
    phase("consent");

    MainActivity activity = new MainActivity();
    activity.start();
    Calls.run(r);
    android.content.Intent answer = new android.content.Intent()
        .putExtra("android.content.pm.extra.REQUEST_PERMISSIONS_NAMES", new String[] { "android.permission.CAMERA" })
        .putExtra("android.content.pm.extra.REQUEST_PERMISSIONS_RESULTS", new int[] { 0 });
    r.begin("app.permission_answer", new Object[] { 1, answer });
    activity.dispatchRequestPermissionsResult(1, answer);
    r.ret(Rec.VOID);
    activity.stop();
    // The app sits in background for a while (the test waits here past the rules' grace period).
    phase("background");

    r.begin("app.background_location", new Object[] { "gps" });
    r.ret(new android.location.LocationManager().getLastKnownLocation("gps"));

    if (!args[0].equals("none")) {
      plugin(r, args[0]);
      Egress.run(r, androidId);
      OkHttpEgress.run(r, androidId, () -> phaseUnchecked("okhttp"));
      TlsEgress.run(r, androidId, () -> phaseUnchecked("conscrypt"));
      LargeEgress.run(r, androidId);
    }
    say("done");
    expect("exit");
    System.exit(0);
  }

  /** A plugin loader brings in the Tencent location SDK, and the plugin reads the location. */
  private static void plugin(Rec r, String dir) throws Exception {
    PluginLoader loader = new PluginLoader(Paths.get(dir), Main.class.getClassLoader());
    phase("loader");
    @SuppressWarnings("unchecked")
    Supplier<Object> feature = (Supplier<Object>) loader.loadClass("com.example.app.plugin.LocationFeature").getDeclaredConstructor().newInstance();
    r.begin("plugin.tencent_location", new Object[0]);
    try {
      r.ret(feature.get());
    } catch (Throwable e) {
      r.exc(e);
    }
    @SuppressWarnings("unchecked")
    Supplier<Object> msa = (Supplier<Object>) loader.loadClass("com.example.app.plugin.OaidSetup").getDeclaredConstructor().newInstance();
    Object[] suppliers = (Object[]) msa.get();
    phase("oaid");
    for (Object s : suppliers) {
      r.begin("plugin.oaid." + s.getClass().getName(), new Object[0]);
      r.ret(((com.bun.miitmdid.interfaces.IdSupplier) s).getOAID());
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void phase(String name) throws Exception {
    say("phase " + name);
    expect("continue");
  }

  private static void phaseUnchecked(String name) {
    try {
      phase(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void expect(String word) throws Exception {
    String line = in.readLine();
    if (line == null) System.exit(3);
    if (!line.trim().equals(word)) throw new IllegalStateException("expected " + word + ", got " + line);
  }
}
