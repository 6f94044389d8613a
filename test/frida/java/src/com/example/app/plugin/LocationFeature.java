package com.example.app.plugin;

/** Plugin code, loaded with the Tencent location SDK by PluginLoader after the app started. */
public final class LocationFeature implements java.util.function.Supplier<Object> {
  @Override public Object get() {
    return new com.tencent.map.geolocation.TencentLocationManager().getLastKnownLocation();
  }
}
