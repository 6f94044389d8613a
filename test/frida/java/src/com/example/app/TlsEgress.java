package com.example.app;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * An SDK that bundles Conscrypt (2.5.2, loaded with its native library by a plugin loader from the
 * folder named in ./conscrypt.dir, when the test put it there) writes an HTTP/1.1 request over TLS
 * to a JDK HTTPS server in this process on localhost: the MD5 of the Android ID in the body.
 * Reflection for Conscrypt: the app is compiled without it.
 */
final class TlsEgress {
  private TlsEgress() {}

  static void run(Rec r, String androidId, Runnable phase) throws Exception {
    Path where = Paths.get("conscrypt.dir");
    if (!Files.exists(where)) return;
    String[] lines = new String(Files.readAllBytes(where), StandardCharsets.UTF_8).trim().split("\n");
    ClassLoader loader = new SdkLoader(Paths.get(lines[0]), Main.class.getClassLoader());
    Provider conscrypt = (Provider) loader.loadClass("org.conscrypt.Conscrypt").getMethod("newProvider").invoke(null);
    phase.run();
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext(Paths.get(lines[1]))));
    Servers.noContent(server);
    try {
      SSLContext client = SSLContext.getInstance("TLS", conscrypt);
      client.init(null, new TrustManager[] { new TrustAll() }, null);
      String body = "{\"d\":\"" + md5(androidId) + "\"}";
      String request = "POST /v1/collect HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
      r.begin("egress.tls_md5", new Object[] { "/v1/collect" });
      try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", server.getAddress().getPort())) {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] head = new byte[12];
        int n = 0;
        while (n < head.length) {
          int k = in.read(head, n, head.length - n);
          if (k < 0) break;
          n += k;
        }
        r.ret(new String(head, 0, n, StandardCharsets.US_ASCII));
      } catch (Throwable e) {
        r.exc(e);
      }
    } finally {
      server.stop(0);
    }
  }

  private static SSLContext serverContext(Path keystore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  /** The test's server has a throw-away self-signed certificate. */
  private static final class TrustAll implements X509TrustManager {
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
    @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
  }

  private static String md5(String s) throws Exception {
    StringBuilder b = new StringBuilder();
    for (byte x : MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8))) b.append(String.format("%02x", x));
    return b.toString();
  }
}
