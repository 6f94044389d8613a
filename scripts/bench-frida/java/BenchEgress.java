import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * bench:frida's egress target: the write the agent's egress scan inspects, on a HotSpot JVM. A
 * cleartext socket to a server thread in this process on 127.0.0.1 that reads and discards; on
 * "<request> <n>" from stdin it writes that request n times, each with ONE OutputStream.write
 * (so one java.net.SocketOutputStream.socketWrite of the whole request, the hooked method:
 * agent/catalogue/network.ts), and answers "ns <total>". Requests: "req2k" (a 200-byte URL,
 * headers, a 2 KiB JSON body) and "req64k" (the same with a 64 KiB body). The bodies carry none
 * of the values the driver teaches the agent: the scan finds nothing and the record stays small;
 * "marked" writes the small one with args[0] in its URL, to check that the scan ran.
 * java.net's plain socket implementation, as an Android app's libcore uses (JDK 13+ defaults to
 * NioSocketImpl, whose stream does not go through SocketOutputStream). Ends with System.exit.
 */
public class BenchEgress {
  public static void main(String[] args) throws Exception {
    System.setProperty("jdk.net.usePlainSocketImpl", "true");
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread drain = new Thread(() -> {
      try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
        byte[] buf = new byte[1 << 16];
        while (in.read(buf) >= 0) {}
      } catch (Exception e) {
        // The process exits.
      }
    });
    drain.setDaemon(true);
    drain.start();
    Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    OutputStream out = client.getOutputStream();
    byte[] small = request(2 * 1024);
    byte[] large = request(64 * 1024);
    // A request carrying args[0] (a value the driver taught the agent): the check that the scan ran.
    byte[] marked = (new String(small, StandardCharsets.US_ASCII).replace("session=", "session=" + args[0])).getBytes(StandardCharsets.US_ASCII);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    System.out.println("ready " + ProcessHandle.current().pid() + " " + small.length + " " + large.length);
    String line;
    while ((line = in.readLine()) != null) {
      String[] p = line.trim().split(" ");
      byte[] req = p[0].equals("req2k") ? small : p[0].equals("req64k") ? large : p[0].equals("marked") ? marked : null;
      if (req == null) break;
      int n = Integer.parseInt(p[1]);
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) out.write(req);
      long ns = System.nanoTime() - t0;
      System.out.println("ns " + ns + " " + req.length);
    }
    System.exit(0);
  }

  /** An SDK's report: POST with a 200-byte URL, the usual headers and a JSON body of `body` bytes. */
  static byte[] request(int body) {
    StringBuilder url = new StringBuilder("/v2/collect?app=com.example.shop&ver=4.12.0&ch=huawei&os=android&sdk=31&net=wifi&lang=zh_CN&tz=Asia%2FShanghai&session=");
    long seed = 42;
    while (url.length() < 200) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      url.append(Long.toHexString(seed >>> 60));
    }
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; json.length() < body; i++) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      json.append("\"event_").append(i).append("\":{\"ts\":").append(1733500000000L + i).append(",\"name\":\"screen_view\",\"page\":\"home/feed\",\"lat\":").append((seed >>> 40) % 9000 / 100.0).append("},");
    }
    json.setLength(body - 1);
    json.append('}');
    String head = "POST " + url + " HTTP/1.1\r\nHost: log.sdk.example\r\nUser-Agent: okhttp/4.12.0\r\nContent-Type: application/json\r\nAccept-Encoding: gzip\r\nX-Request-Id: 5f0c2a8e-6b4d-4c1e-9a77-0d3b9e2f1c44\r\nContent-Length: " + body + "\r\nConnection: keep-alive\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] b = json.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[h.length + b.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(b, 0, all, h.length, b.length);
    return all;
  }
}
