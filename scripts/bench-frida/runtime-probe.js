// bench:frida: which JavaScript runtime Frida gives a script by default (QuickJS or V8).
rpc.exports = { runtime: () => Script.runtime };
