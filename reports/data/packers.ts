/**
 * Known packers ("加固", app hardening): their stub's Application class replaces the app's in the
 * manifest, decrypts the real code at start-up and usually fights instrumentation. An app whose
 * Application class is one of these is packed: what the agent saw cannot vouch for the app.
 *
 * Each entry names the stub's exact class names and/or package prefixes, and where they were
 * checked. PKDROID is the packer list of a public packer-detection tool, which lists them by
 * vendor; an entry checked against a second source names it too. An entry marked `verified:
 * false` rests on no public source found (none at present).
 */
export interface Packer {
  readonly vendor: string;
  /** Exact Application class names of the stub. */
  readonly classes: readonly string[];
  /** Package prefixes (ending in ".") whose classes belong to the stub. */
  readonly prefixes?: readonly string[];
  readonly sources: readonly string[];
  readonly verified: boolean;
}

const PKDROID = "github.com/msyzzz/PkDroid pack_list.py (API table), commit 002357d5c896d9b99bb2e0ef7e7091effaa10990";

export const PACKERS: readonly Packer[] = [
  { vendor: "Qihoo 360 Jiagu", classes: ["com.stub.StubApp"], sources: [PKDROID, "github.com/fengyunmars/android-24 apktools/apktool/ludashi_main/smali/com/stub/StubApp.smali (loads libjiagu, entry com.qihoo360.crypt.entryRunApplication)"], verified: true },
  { vendor: "Tencent Legu", classes: ["com.tencent.StubShell.TxAppEntry"], sources: [PKDROID], verified: true },
  { vendor: "Bangcle/SecNeo", classes: ["com.secneo.guard.ApplicationWrapper", "com.secshell.secData.ApplicationWrapper"], prefixes: ["com.secneo.apkwrapper."], sources: [PKDROID], verified: true },
  { vendor: "Ijiami", classes: ["com.shell.SuperApplication", "s.h.e.l.l.S", "com.ijiami.residconfusion.ConfusionApplication"], sources: [PKDROID], verified: true },
  { vendor: "Baidu", classes: ["com.baidu.protect.StubApplication"], sources: [PKDROID], verified: true },
  { vendor: "Alibaba", classes: ["com.ali.mobisecenhance.StubApplication"], sources: [PKDROID], verified: true },
  { vendor: "Payegis (Tongfudun)", classes: ["com.payegis.ProxyApplication"], sources: [PKDROID], verified: true },
  { vendor: "Naga", classes: ["com.edog.AppWrapper", "com.chaosvmp.AppWrapper"], sources: [PKDROID], verified: true },
  { vendor: "NQ Shield", classes: ["com.nqshield.NqApplication"], sources: [PKDROID], verified: true },
  { vendor: "NetEase Yidun", classes: ["com.netease.nis.wrapper.MyApplication"], sources: [PKDROID], verified: true },
];

/** The packer whose stub `className` is, if any. */
export function packerOf(className: string): Packer | undefined {
  return PACKERS.find((p) => p.classes.includes(className) || (p.prefixes ?? []).some((x) => className.startsWith(x)));
}
