package com.example.app.plugin;

/**
 * Plugin code that sets up the MSA SDK: it makes the SDK's supplier and a vendor's (both classes
 * loaded by the plugin loader now), then calls InitSdk. The harness reads the OAIDs later.
 */
public final class OaidSetup implements java.util.function.Supplier<Object> {
  @Override public Object get() {
    Object[] suppliers = { new com.bun.miitmdid.pojo.IdSupplierImpl(), new VendorSupplier() };
    com.bun.miitmdid.core.MdidSdkHelper.InitSdk(null, false, null);
    return suppliers;
  }
}
