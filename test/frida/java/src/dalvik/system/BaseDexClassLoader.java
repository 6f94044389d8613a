package dalvik.system;

/**
 * Stand-in for dalvik.system.BaseDexClassLoader, which the agent watches for class loaders made
 * after it started (plugin and hot-fix frameworks load SDK code this way). Subclasses find
 * classes themselves, as DexClassLoader and PathClassLoader do on a device.
 */
public class BaseDexClassLoader extends ClassLoader {
  public BaseDexClassLoader(String dexPath, java.io.File optimizedDirectory, String librarySearchPath, ClassLoader parent) {
    super(parent);
  }
}
