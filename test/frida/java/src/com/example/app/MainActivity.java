package com.example.app;

/** The app's activity: the harness drives its lifecycle as the system would. */
public class MainActivity extends android.app.Activity {
  void start() { onStart(); }
  void stop() { onStop(); }
  @Override public String toString() { return "com.example.app.MainActivity"; }
}
