package com.umeng.commonsdk.statistics.common;

/** Where Umeng's common SDK reads the Android ID (the class name is Umeng's own). */
public final class DeviceConfig {
  private DeviceConfig() {}
  public static String getAndroidId(android.content.Context context) {
    return android.provider.Settings.Secure.getString(context.getContentResolver(), "android_id");
  }
}
