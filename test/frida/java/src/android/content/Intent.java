package android.content;

import java.util.HashMap;
import java.util.Map;

/** Stand-in for android.content.Intent: target, action and the extras the agent reads. */
public class Intent {
  private ComponentName component;
  private String pkg;
  private String action;
  private final Map<String, Object> extras = new HashMap<>();
  public Intent() {}
  public Intent(String action) { this.action = action; }
  public Intent setComponent(ComponentName c) { component = c; return this; }
  public Intent setPackage(String p) { pkg = p; return this; }
  public Intent setAction(String a) { action = a; return this; }
  public ComponentName getComponent() { return component; }
  public String getPackage() { return pkg; }
  public String getAction() { return action; }
  public Intent putExtra(String name, String[] value) { extras.put(name, value); return this; }
  public Intent putExtra(String name, int[] value) { extras.put(name, value); return this; }
  public String[] getStringArrayExtra(String name) { return (String[]) extras.get(name); }
  public int[] getIntArrayExtra(String name) { return (int[]) extras.get(name); }
  @Override public String toString() {
    return "Intent { " + (action != null ? "act=" + action + " " : "") + (component != null ? "cmp=" + component.flattenToShortString() + " " : "") + (pkg != null ? "pkg=" + pkg + " " : "") + "}";
  }
}
