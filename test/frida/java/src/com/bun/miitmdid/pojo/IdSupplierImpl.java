package com.bun.miitmdid.pojo;

/**
 * The MSA SDK's own IdSupplier implementation (MSA 1.1+, as bundled in Baidu Tieba:
 * n0099/open-tbclient com/bun/miitmdid/pojo/IdSupplierImpl.java): a class the catalogue knows by
 * name. Only the harness's plugin class loader defines it, after the agent started.
 */
public class IdSupplierImpl implements com.bun.miitmdid.interfaces.IdSupplier {
  @Override public String getOAID() { return "msa-oaid-7f3c"; }
  @Override public String getVAID() { return "msa-vaid"; }
  @Override public String getAAID() { return "msa-aaid"; }
}
