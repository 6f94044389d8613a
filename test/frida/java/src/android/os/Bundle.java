package android.os;

/** Stand-in for android.os.Bundle. */
public final class Bundle {
  public Bundle() {}
  @Override public String toString() { return "Bundle[{}]"; }
}
