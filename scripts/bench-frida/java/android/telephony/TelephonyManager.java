package android.telephony;

/** bench:frida's stand-in for Android's TelephonyManager: only the method the benchmark hooks. */
public class TelephonyManager {
  public String getImei() {
    return "356938035643809";
  }
}
