// bench:frida's "bare replacement": TelephonyManager.getImei replaced by a function that only
// calls the original, the least any Java hook costs (the Java↔JS transitions and the bridge's
// argument and return conversions). Bundled with frida-java-bridge by ../bench-frida.ts.
import Java from "frida-java-bridge";

let hits = 0;

rpc.exports = {
  install() {
    Java.performNow(() => {
      Java.use("android.telephony.TelephonyManager").getImei.overload().implementation = function () {
        hits++;
        return this.getImei();
      };
    });
    return Script.runtime;
  },
  hits: () => hits,
  uninstall() {
    Java.performNow(() => {
      Java.use("android.telephony.TelephonyManager").getImei.overload().implementation = null;
    });
  },
};
