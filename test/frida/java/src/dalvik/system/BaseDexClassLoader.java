package dalvik.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Stand-in for dalvik.system.BaseDexClassLoader, which the agent watches for class loaders made
 * after it started (plugin and hot-fix frameworks load SDK code this way). As on a device, the
 * base constructor sets up where classes come from (there a DexPathList over the dex files, here
 * a folder of class files) and findClass defines them on first request; subclasses such as
 * DexClassLoader only pass their arguments on.
 */
public class BaseDexClassLoader extends ClassLoader {
  private final Path pathList;

  public BaseDexClassLoader(String dexPath, java.io.File optimizedDirectory, String librarySearchPath, ClassLoader parent) {
    super(parent);
    this.pathList = Paths.get(dexPath);
  }

  @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
    Path file = pathList.resolve(name.replace('.', '/') + ".class");
    try {
      byte[] bytes = Files.readAllBytes(file);
      return defineClass(name, bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new ClassNotFoundException(name + " not in " + pathList);
    }
  }

  @Override public String toString() { return "dalvik.system.BaseDexClassLoader[" + pathList + "]"; }
}
