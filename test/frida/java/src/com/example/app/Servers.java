package com.example.app;

import com.sun.net.httpserver.HttpServer;

/** The egress programs' local server: it reads each request and answers 204 No Content. */
final class Servers {
  private Servers() {}

  /** `server` (an HttpServer or HttpsServer, not started) answering every path with 204, started. */
  static <S extends HttpServer> S noContent(S server) {
    server.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    server.start();
    return server;
  }
}
