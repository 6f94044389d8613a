package com.example.app;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A plugin loader whose folder also holds resources: an SDK that ships a native library in its
 * jar (Conscrypt's META-INF/native/*.so) finds and loads it through its class loader.
 */
final class SdkLoader extends dalvik.system.BaseDexClassLoader {
  private final Path dir;

  SdkLoader(Path dir, ClassLoader parent) {
    super(dir.toString(), null, null, parent);
    this.dir = dir;
  }

  @Override
  protected URL findResource(String name) {
    Path p = dir.resolve(name);
    try {
      return Files.isRegularFile(p) ? p.toUri().toURL() : null;
    } catch (MalformedURLException e) {
      return null;
    }
  }
}
