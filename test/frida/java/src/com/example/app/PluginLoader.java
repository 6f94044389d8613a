package com.example.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A plugin class loader, as hot-fix and plugin frameworks make: it defines classes from a folder
 * the app's own loader does not see, when they are first asked for.
 */
final class PluginLoader extends dalvik.system.BaseDexClassLoader {
  private final Path dir;

  PluginLoader(Path dir, ClassLoader parent) {
    super(dir.toString(), null, null, parent);
    this.dir = dir;
  }

  @Override protected Class<?> findClass(String name) throws ClassNotFoundException {
    Path file = dir.resolve(name.replace('.', '/') + ".class");
    try {
      byte[] bytes = Files.readAllBytes(file);
      return defineClass(name, bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new ClassNotFoundException(name);
    }
  }
}
