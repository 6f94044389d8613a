package android.content;

/** Stand-in for android.content.Context (abstract on a device). */
public class Context {
  public Context() {}
  /** The system services the agent asks for itself ("power" when the last activity stops). */
  public Object getSystemService(String name) {
    return "power".equals(name) ? new android.os.PowerManager() : null;
  }
  public ContentResolver getContentResolver() { return new ContentResolver(); }
  public String getPackageName() { return "com.example.app"; }
  @Override public String toString() { return getClass().getName(); }
}
