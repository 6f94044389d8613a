package android.provider;

/** A stand-in for the platform class: Settings.Secure.getString(ContentResolver, String), as the catalogue hooks it. */
public final class Settings {
  public static final class Secure {
    /** The device's Android ID (a made-up one). */
    public static final String ANDROID_ID_VALUE = "3f9a1c27b64e0d85";

    public static String getString(android.content.ContentResolver resolver, String name) {
      return "android_id".equals(name) ? ANDROID_ID_VALUE : null;
    }
  }
}
