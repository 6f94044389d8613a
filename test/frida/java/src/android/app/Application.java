package android.app;

/** Stand-in for android.app.Application. */
public class Application extends android.content.ContextWrapper {
  public Application() {}
}
