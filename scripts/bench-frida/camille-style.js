// bench:frida's "camille-style" script: what popular privacy-compliance scripts do per call,
// modelled on zhengjim/camille's script.js (`hookMethod`, `getStackTrace`, `alertSend`): call the
// original, format the arguments, take the whole Java stack as text from a new Exception's
// getStackTrace(), and send() one message per call. Bundled with frida-java-bridge by
// ../bench-frida.ts.
import Java from "frida-java-bridge";

let hits = 0;

function stackText() {
  const elements = Java.use("java.lang.Exception").$new("Exception").getStackTrace();
  let text = "";
  for (let i = 0; i < elements.length; i++) text += "   " + elements[i].toString() + "\r\n";
  return text;
}

function alert(action, message, arg) {
  const d = new Date();
  const time = `${d.getFullYear()}-${d.getMonth()}-${d.getDate()} ${d.getHours()}:${d.getMinutes()}:${d.getSeconds()}`;
  send({ type: "notice", time, action, messages: message, arg, stacks: stackText() });
}

rpc.exports = {
  install() {
    Java.performNow(() => {
      Java.use("android.telephony.TelephonyManager").getImei.overload().implementation = function (...args) {
        const result = this.getImei(...args);
        let arg = "";
        for (let j = 0; j < args.length; j++) arg += `arg${j}: ${JSON.stringify(args[j])}\r\n`;
        hits++;
        alert("phone", "getImei", arg.length === 0 ? "no arguments" : arg.slice(0, -1));
        return result;
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
