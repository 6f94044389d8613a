package com.example.app;

import java.io.PrintStream;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Map;

/**
 * Prints what each call got, one JSON line per call ("result {…}"): the arguments and the value
 * or exception, each as its text, runtime class and length. A run without the agent and a run
 * with it must print the same lines (the agent changes nothing), and the test derives the
 * summaries it expects in the trace from them.
 */
final class Rec {
  static final Object VOID = new Object();
  private final PrintStream out;
  private StringBuilder line;

  Rec(PrintStream out) { this.out = out; }

  void begin(Object id, Object[] args) {
    line = new StringBuilder("result {\"call\":").append(id instanceof String ? quote((String) id) : String.valueOf(id)).append(",\"args\":[");
    for (int i = 0; i < args.length; i++) line.append(i > 0 ? "," : "").append(describe(args[i]));
    line.append("]");
  }

  void ret(Object v) {
    out.println(line.append(",\"ret\":").append(v == VOID ? "\"void\"" : describe(v)).append("}"));
    out.flush();
  }

  void exc(Throwable e) {
    out.println(line.append(",\"exc\":").append(quote(e.getClass().getName())).append("}"));
    out.flush();
  }

  /** {"s": text, "cls": runtime class, "len": length}; text only where it is the same every run. */
  static String describe(Object v) {
    if (v == null) return "{\"s\":\"null\"}";
    Class<?> c = v.getClass();
    StringBuilder b = new StringBuilder("{\"cls\":").append(quote(c.getName()));
    if (c.isArray()) {
      int n = Array.getLength(v);
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < n; i++) s.append(i > 0 ? "," : "").append(Array.get(v, i));
      return b.append(",\"len\":").append(n).append(",\"s\":").append(quote(s.toString())).append("}").toString();
    }
    if (v instanceof Collection) b.append(",\"len\":").append(((Collection<?>) v).size());
    if (v instanceof Map) b.append(",\"len\":").append(((Map<?, ?>) v).size());
    boolean stable = !c.getName().startsWith("java.") || v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof Character || v instanceof Collection || v instanceof Map;
    return b.append(",\"s\":").append(quote(stable ? String.valueOf(v) : "<" + c.getName() + ">")).append("}").toString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') b.append('\\').append(ch);
      else if (ch < 0x20) b.append(String.format("\\u%04x", (int) ch));
      else b.append(ch);
    }
    return b.append('"').toString();
  }
}
