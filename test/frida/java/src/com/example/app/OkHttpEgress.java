package com.example.app;

import com.sun.net.httpserver.HttpServer;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Base64;

/**
 * An SDK that brought its own OkHttp (4.12.0, loaded by a plugin loader from the folder named in
 * ./okhttp.dir, when the test put it there) sends a GET with the Android ID in a header, base64,
 * to a server in this process on 127.0.0.1. Reflection only: the app is compiled without OkHttp.
 */
final class OkHttpEgress {
  private OkHttpEgress() {}

  static void run(Rec r, String androidId, Runnable phase) throws Exception {
    Path where = Paths.get("okhttp.dir");
    if (!Files.exists(where)) return;
    ClassLoader okhttp = new PluginLoader(Paths.get(new String(Files.readAllBytes(where), StandardCharsets.UTF_8).trim()), Main.class.getClassLoader());
    Class<?> clientClass = okhttp.loadClass("okhttp3.OkHttpClient");
    Object client = clientClass.getConstructor().newInstance();
    // Loaded: the test waits for the agent to hook OkHttp's classes in the new loader.
    phase.run();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    Servers.noContent(server);
    try {
      Class<?> builderClass = okhttp.loadClass("okhttp3.Request$Builder");
      Object b = builderClass.getConstructor().newInstance();
      b = builderClass.getMethod("url", String.class).invoke(b, "http://127.0.0.1:" + server.getAddress().getPort() + "/sdk/config?v=3");
      b = builderClass.getMethod("header", String.class, String.class).invoke(b, "X-Device", Base64.getEncoder().encodeToString(androidId.getBytes(StandardCharsets.UTF_8)));
      Object request = builderClass.getMethod("build").invoke(b);
      r.begin("egress.okhttp_header", new Object[] { "/sdk/config?v=3" });
      Object call = clientClass.getMethod("newCall", okhttp.loadClass("okhttp3.Request")).invoke(client, request);
      Method execute = okhttp.loadClass("okhttp3.Call").getMethod("execute");
      Object response = execute.invoke(call);
      Class<?> responseClass = okhttp.loadClass("okhttp3.Response");
      int code = (Integer) responseClass.getMethod("code").invoke(response);
      responseClass.getMethod("close").invoke(response);
      r.ret(Integer.valueOf(code));
    } finally {
      server.stop(0);
    }
  }
}
