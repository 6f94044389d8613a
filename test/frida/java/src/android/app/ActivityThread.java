package android.app;

/** Stand-in for the hidden android.app.ActivityThread: the agent reads currentApplication(). */
public final class ActivityThread {
  private static final Application APP = new Application();
  private ActivityThread() {}
  public static Application currentApplication() { return APP; }
}
