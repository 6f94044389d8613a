// bench:frida's reference for native hooks: open and ioctl attached with empty C listeners
// (onEnter and onLeave), so what remains is Interceptor.attach's own cost per call: the least any
// listener-based hook costs. (A replacement through Interceptor.replaceFast keeps no invocation
// context and can cost less.)
const cm = new CModule(`
#include <gum/guminterceptor.h>

void on_enter (GumInvocationContext * ic) {}
void on_leave (GumInvocationContext * ic) {}
`);
for (const name of ["open", "ioctl"])
  Interceptor.attach(Module.getGlobalExportByName(name), { onEnter: cm.on_enter, onLeave: cm.on_leave });
rpc.exports = { runtime: () => Script.runtime };
