package android.hardware;

/** Stand-in for android.hardware.Sensor: its type is what the agent summarises. */
public final class Sensor {
  public static final int TYPE_ACCELEROMETER = 1;
  private final int type;
  public Sensor(int type) { this.type = type; }
  public int getType() { return type; }
  @Override public String toString() { return "{Sensor type=" + type + "}"; }
}
