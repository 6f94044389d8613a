package android.content;

/** Stand-in for android.content.ComponentName: what the agent reads of an Intent's target. */
public final class ComponentName {
  private final String pkg;
  private final String cls;
  public ComponentName(String pkg, String cls) { this.pkg = pkg; this.cls = cls; }
  public String getPackageName() { return pkg; }
  public String getClassName() { return cls; }
  /** As on a device: the class is shortened to `.Name` when it is inside the package. */
  public String flattenToShortString() { return pkg + "/" + (cls.startsWith(pkg + ".") ? cls.substring(pkg.length()) : cls); }
  @Override public String toString() { return "ComponentInfo{" + pkg + "/" + cls + "}"; }
}
