import android.telephony.TelephonyManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * bench:frida's Java target: on "run <n>" from stdin, calls TelephonyManager.getImei() n times
 * from a stack <depth> frames deep (an app's call comes from deep inside it) and answers
 * "ns <total> <checksum>", timed with System.nanoTime. One JVM serves every phase, while the
 * driver loads and unloads Frida scripts between them. Ends with System.exit: once
 * frida-java-bridge has attached a thread, the JVM would not exit when main returns.
 */
public class BenchJava {
  static final TelephonyManager TM = new TelephonyManager();

  static long loop(int depth, int n) {
    if (depth > 0) return loop(depth - 1, n);
    long sum = 0;
    for (int i = 0; i < n; i++) sum += TM.getImei().length();
    return sum;
  }

  public static void main(String[] args) throws Exception {
    int depth = Integer.parseInt(args[0]);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    System.out.println("ready " + ProcessHandle.current().pid());
    String line;
    while ((line = in.readLine()) != null) {
      String[] p = line.trim().split(" ");
      if (!p[0].equals("run")) break;
      long t0 = System.nanoTime();
      long sum = loop(depth, Integer.parseInt(p[1]));
      long ns = System.nanoTime() - t0;
      System.out.println("ns " + ns + " " + sum);
    }
    System.exit(0);
  }
}
