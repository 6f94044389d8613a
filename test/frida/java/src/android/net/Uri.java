package android.net;

/** Stand-in for android.net.Uri (abstract on a device): parse and print are all the agent uses. */
public class Uri {
  private final String text;
  private Uri(String text) { this.text = text; }
  public static Uri parse(String text) { return new Uri(text); }
  public String getAuthority() {
    String rest = text.replaceFirst("^[a-z]+://", "");
    int end = rest.indexOf('/');
    return end < 0 ? rest : rest.substring(0, end);
  }
  @Override public String toString() { return text; }
}
