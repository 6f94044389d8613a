package com.example.app;

import java.nio.file.Path;

/**
 * A plugin class loader, as hot-fix and plugin frameworks make (a DexClassLoader subclass on a
 * device): it loads classes from a folder the app's own loader does not see.
 */
final class PluginLoader extends dalvik.system.BaseDexClassLoader {
  PluginLoader(Path dir, ClassLoader parent) {
    super(dir.toString(), null, null, parent);
  }
}
