package com.example.app;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * The target of test/frida/okhttp-async.test.ts, on the line protocol of
 * test/frida/support/java-target.ts: "ready" → "go"; "phase okhttp" → "continue"; "result …"
 * lines; "done" → "exit". After "go" class loaders bring in real OkHttp (the folder named in
 * ./okhttp.dir) and, over it, the SDK's and app's classes (the folder given as the argument); then Umeng's
 * UMSender enqueues a gzipped POST with the Android ID to a local server, and the app fetches a
 * tile synchronously. The JVM is ended with System.exit: frida-java-bridge's thread keeps it alive.
 *
 * Usage: Main <folder of the SDK's classes>
 */
public final class Main {
  private static BufferedReader in;

  public static void main(String[] args) throws Exception {
    // The agent hooks SocketOutputStream.socketWrite (Android's java.net); JDK 17 writes through
    // it only with the old socket implementation (JEP 353), chosen before the first socket.
    System.setProperty("jdk.net.usePlainSocketImpl", "true");
    in = new BufferedReader(new InputStreamReader(System.in));
    say("ready");
    expect("go");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        body.readAllBytes();
      }
      exchange.sendResponseHeaders(200, 2);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write("ok".getBytes("UTF-8"));
      }
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    String okhttp = new String(Files.readAllBytes(Paths.get("okhttp.dir")), "UTF-8").trim();
    // As an SDK arrives on a device: class loaders made late, OkHttp's and the SDK's over it (the
    // agent watches BaseDexClassLoader's constructor; the stand-in is test/frida/java's).
    ClassLoader okhttpLoader = new dalvik.system.BaseDexClassLoader(okhttp, null, null, Main.class.getClassLoader());
    ClassLoader loader = new dalvik.system.BaseDexClassLoader(args[0], null, null, okhttpLoader);
    // The agent hooks OkHttp's classes in the new loader (the test waits for it).
    phase("okhttp");
    Object client = loader.loadClass("okhttp3.OkHttpClient").getDeclaredConstructor().newInstance();
    Class<?> clientClass = loader.loadClass("okhttp3.OkHttpClient");
    Method upload = loader.loadClass("com.umeng.commonsdk.statistics.UMSender").getMethod("upload", clientClass, String.class);
    result("umeng.enqueue", upload.invoke(null, client, base + "/app_logs"));
    Method fetch = loader.loadClass("com.example.app.Tiles").getMethod("fetch", clientClass, String.class);
    result("app.execute", fetch.invoke(null, client, base + "/tiles/12/3385/1552.png"));
    server.stop(0);
    say("done");
    expect("exit");
    System.exit(0);
  }

  /** A "result" line as test/frida/support/java-target.ts reads them (the value's quotes and backslashes dropped). */
  private static void result(String call, Object value) {
    say("result {\"call\":\"" + call + "\",\"ret\":{\"s\":\"" + String.valueOf(value).replaceAll("[\"\\\\\\p{Cntrl}]", "") + "\"}}");
  }

  private static void phase(String name) throws Exception {
    say("phase " + name);
    expect("continue");
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  private static void expect(String word) throws Exception {
    String line = in.readLine();
    if (!word.equals(line)) throw new IllegalStateException("expected " + word + ", got " + line);
  }
}
