package android.os;

/** Stand-in for android.os.PowerManager: the screen is on. */
public final class PowerManager {
  public PowerManager() {}
  public boolean isInteractive() { return true; }
  @Override public String toString() { return "android.os.PowerManager"; }
}
