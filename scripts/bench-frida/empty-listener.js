// bench:frida's floor for native hooks: open and ioctl attached with empty C listeners (onEnter
// and onLeave, as the agent's filter needs both), so what remains is Interceptor's own cost per
// call. No agent can cost less than this with Interceptor.attach.
const cm = new CModule(`
#include <gum/guminterceptor.h>

void on_enter (GumInvocationContext * ic) {}
void on_leave (GumInvocationContext * ic) {}
`);
for (const name of ["open", "ioctl"])
  Interceptor.attach(Module.getGlobalExportByName(name), { onEnter: cm.on_enter, onLeave: cm.on_leave });
rpc.exports = { runtime: () => Script.runtime };
