package com.example.app;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * An SDK uploads a large body (issue 15 item 9: how the agent reads a big byte[]): one cleartext
 * socket write of a POST whose 256 KiB body holds the MD5 of the Android ID about 1 KiB in, and
 * its SHA-256 past the agent's 64 KiB scan bound (at 128 KiB), to a server in this process on
 * 127.0.0.1. The request is written with ONE OutputStream.write(b, off, len), from 4 KiB into an
 * array whose first bytes hold the ID's SHA-1 (not part of the send), so the socket sees one
 * SocketOutputStream.socketWrite of the whole request at that offset.
 */
final class LargeEgress {
  private LargeEgress() {}

  static final int BODY = 256 * 1024;
  static final int NEAR = 1024;
  static final int FAR = 128 * 1024;
  static final int PREFIX = 4096;

  static void run(Rec r, String androidId) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    Servers.noContent(server);
    try {
      byte[] request = request(androidId);
      r.begin("egress.large_body", new Object[] { "/upload", Integer.valueOf(request.length) });
      // The request sits at an offset in a larger array whose first bytes hold the SHA-1 of the
      // Android ID: only write(b, off, len)'s bytes are the send's.
      byte[] buffer = new byte[PREFIX + request.length];
      Arrays.fill(buffer, 0, PREFIX, (byte) ' ');
      put(buffer, 16, hex("SHA-1", androidId));
      System.arraycopy(request, 0, buffer, PREFIX, request.length);
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
        OutputStream out = s.getOutputStream();
        out.write(buffer, PREFIX, request.length);
        out.flush();
        r.ret(statusLine(s.getInputStream()));
      } catch (Throwable e) {
        r.exc(e);
      }
    } finally {
      server.stop(0);
    }
  }

  /** The head, then BODY bytes of 'x' with the MD5 at NEAR and the SHA-256 at FAR. */
  static byte[] request(String androidId) throws Exception {
    byte[] body = new byte[BODY];
    Arrays.fill(body, (byte) 'x');
    put(body, NEAR, hex("MD5", androidId));
    put(body, FAR, hex("SHA-256", androidId));
    byte[] head = ("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: " + BODY + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(head, head.length + BODY);
    System.arraycopy(body, 0, all, head.length, BODY);
    return all;
  }

  private static void put(byte[] into, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, into, at, b.length);
  }

  private static String statusLine(InputStream in) throws Exception {
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != -1 && c != '\r';) b.append((char) c);
    return b.toString().trim();
  }

  static String hex(String algorithm, String s) throws Exception {
    StringBuilder b = new StringBuilder();
    for (byte x : MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8))) b.append(String.format("%02x", x));
    return b.toString();
  }
}
