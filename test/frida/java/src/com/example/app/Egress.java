package com.example.app;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.zip.GZIPOutputStream;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The app sends, through java.net's HttpURLConnection in cleartext, to a server in this same
 * process on 127.0.0.1 (the JDK's com.sun.net.httpserver, whose NIO channels the agent does not
 * hook): an SDK's request carrying the MD5 of the Android ID it read, an SDK's report whose JSON
 * holding the Android ID is gzipped and AES-encrypted before it is posted (the way SDKs send), then
 * a map tile that carries nothing. Each answers 204. The printed results hold the path, not the server's random port.
 */
final class Egress {
  private Egress() {}

  static void run(Rec r, String androidId) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    Servers.noContent(server);
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      get(r, "egress.sdk_md5", base, "/collect?aid=" + md5(androidId) + "&v=3");
      post(r, "egress.sdk_sealed", base, "/report", seal("{\"androidId\":\"" + androidId + "\",\"ts\":1700000000}"));
      get(r, "egress.map_tile", base, "/tiles/12/3385/1552.png?scale=2");
    } finally {
      server.stop(0);
    }
  }

  private static void get(Rec r, String call, String base, String path) throws Exception {
    r.begin(call, new Object[] { path });
    HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
    try {
      r.ret(Integer.valueOf(c.getResponseCode()));
    } catch (Throwable e) {
      r.exc(e);
    } finally {
      c.disconnect();
    }
  }

  private static void post(Rec r, String call, String base, String path, byte[] body) throws Exception {
    r.begin(call, new Object[] { path, Integer.valueOf(body.length) });
    HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
    try {
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
      r.ret(Integer.valueOf(c.getResponseCode()));
    } catch (Throwable e) {
      r.exc(e);
    } finally {
      c.disconnect();
    }
  }

  /** gzip, then AES with a fixed key: the bytes that leave hold nothing a scan of them could find. */
  private static byte[] seal(String json) throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(json.getBytes(StandardCharsets.UTF_8));
    }
    Cipher aes = Cipher.getInstance("AES/ECB/PKCS5Padding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec("0123456789abcdef".getBytes(StandardCharsets.UTF_8), "AES"));
    return aes.doFinal(zipped.toByteArray());
  }

  private static String md5(String s) throws Exception {
    StringBuilder b = new StringBuilder();
    for (byte x : MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8))) b.append(String.format("%02x", x));
    return b.toString();
  }
}
