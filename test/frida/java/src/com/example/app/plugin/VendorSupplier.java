package com.example.app.plugin;

/**
 * A vendor's IdSupplier under an obfuscated name, as the MSA 1.0.x SDKs ship them: no list names
 * it; the agent finds it among the loaded classes after MdidSdkHelper.InitSdk returns.
 */
final class VendorSupplier implements com.bun.miitmdid.interfaces.IdSupplier {
  @Override public String getOAID() { return "vendor-oaid-19ab"; }
  @Override public String getVAID() { return "vendor-vaid"; }
  @Override public String getAAID() { return "vendor-aaid"; }
}
