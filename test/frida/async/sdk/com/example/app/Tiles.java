package com.example.app;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The app's own synchronous request (execute() on its thread), carrying no identifier. */
public final class Tiles {
  private Tiles() {}

  public static String fetch(OkHttpClient client, String url) throws Exception {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return String.valueOf(response.code());
    }
  }
}
