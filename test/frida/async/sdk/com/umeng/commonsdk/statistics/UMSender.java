package com.umeng.commonsdk.statistics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * What an analytics SDK does with its log: it reads the Android ID, gzips a JSON body with it on
 * its own thread and enqueues the POST; OkHttp's dispatcher thread sends it.
 */
public final class UMSender {
  private UMSender() {}

  /** Returns the response code, or "failed: …". */
  public static String upload(OkHttpClient client, String url) throws Exception {
    String aid = android.provider.Settings.Secure.getString(null, "android_id");
    byte[] json = ("{\"aid\":\"" + aid + "\",\"ts\":1700000000}").getBytes("UTF-8");
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(packed)) {
      gz.write(json);
    }
    Request request = new Request.Builder().url(url).header("Content-Encoding", "gzip")
        .post(RequestBody.create(packed.toByteArray(), MediaType.get("application/octet-stream"))).build();
    CountDownLatch done = new CountDownLatch(1);
    String[] result = { "no answer" };
    client.newCall(request).enqueue(new Callback() {
      @Override
      public void onFailure(Call call, IOException e) {
        result[0] = "failed: " + e;
        done.countDown();
      }

      @Override
      public void onResponse(Call call, Response response) {
        result[0] = String.valueOf(response.code());
        response.close();
        done.countDown();
      }
    });
    done.await(20, TimeUnit.SECONDS);
    return result[0];
  }
}
