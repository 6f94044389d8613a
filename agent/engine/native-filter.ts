/**
 * The native side channels' filter, in C: it runs on every call of the hooked libc functions
 * (ioctl runs on every Binder transaction) and enters JavaScript only when a call reads an
 * identifier. Plain TypeScript (no Frida globals); ./native-model.ts has the same rules for the
 * Frida stand-in's Node `vm`, which cannot compile C.
 *
 * Each hooked function is replaced with `Interceptor.replaceFast` by a C function `r_<entry>` that
 * calls the original through `state.originals`. Measured on this machine (test/frida/native/
 * target.c bench): an empty CModule listener through Interceptor.attach costs ~0.17 µs per call
 * (ioctl 0.11 -> 0.29 µs, 2.6x); a replaceFast pass-through ~0.005 µs (1.05x). replaceFast keeps no
 * invocation context, so the C keeps errno itself (gum_thread_get/set_system_error) and calls
 * the original with the six register arguments it was given (open and ioctl are variadic: the
 * SysV x86-64 and AAPCS64 conventions pass their extra arguments in the same registers). `init`
 * runs when the module is built (gumcmodule.c); `pthread_self` and `getpid` are libc's, given by
 * the agent as symbols.
 *
 * What a CModule is given (frida/frida-gum): the headers of bindings/gumjs/runtime/cmodule/
 * (gum/gumprocess.h, gum/gumspinlock.h, the TinyCC string.h); its image is mapped read-execute
 * (bindings/gumjs/gumcmodule.c maps it GUM_PAGE_RX and marks it code), so mutable state lives in
 * memory the agent allocates and passes as the symbol `state`. Interceptor changes made from
 * JavaScript take effect when the JavaScript turn ends (bindings/gumjs/gumquickcore.c: a scope
 * begins an interceptor transaction and ends it), so an original pointer written right after
 * replaceFast is there before any call reaches the replacement.
 */
import { FD_TRACK, NATIVE_ENTRIES, PATTERNS, type NativeEntry, type Pattern } from "../catalogue/native.js";
import { ARGS, MAX_FDS, socketSource } from "./native-filter-sockets.js";

export { MAX_FDS } from "./native-filter-sockets.js";

const KINDS = ["path", "prop", "prop-find", "prop-read", "ioctl", "ifaddrs", "send"] as const;
/** prop_info pointers remembered from look-ups of interesting names. */
const MAX_PROPS = 64;
/** Threads inside a matched call at once (past it, a nested call may be recorded twice). */
const MAX_GUARDS = 64;
/** PROP_NAME_MAX is 32; interesting names are shorter. */
const NAME_MAX = 96;
/** Bytes the agent allocates for the filter's state (checked against sizeof (State)). */
export const STATE_SIZE = 16384 + MAX_FDS / 4;

function cString(s: string): string {
  return JSON.stringify(s); // the patterns are ASCII without escapes C reads differently
}

function cPatterns(name: string, ps: readonly Pattern[]): string {
  const middle = { "": 0, digits: 1, segment: 2 } as const;
  const rows = ps.map((p) => `  { ${cString(p.prefix)}, ${middle[p.middle]}, ${cString(p.suffix)} },`);
  return `static const Pattern ${name}[] =\n{\n${rows.join("\n")}\n};\n`;
}

function cEntry(e: NativeEntry): string {
  const f = e.filter;
  const kind = `K_${KINDS.indexOf(f.kind)}`;
  const arg = "arg" in f ? f.arg : f.kind === "send" ? (f.addr ?? -1) : 0;
  const request = f.kind === "ioctl" ? f.request : 0;
  const pats = f.kind === "path" ? "mac, G_N_ELEMENTS (mac)" : f.kind === "prop" || f.kind === "prop-find" ? "serial, G_N_ELEMENTS (serial)" : "NULL, 0";
  return `  { ${kind}, ${arg}, ${request}u, ${pats} }, /* ${e.id} */`;
}


/**
 * The filter's C source for the catalogue: `r_<i>` replaces the function of NATIVE_ENTRIES[i]. It
 * calls `permtrace_enter(entry, arg, return address)` on a match (JavaScript answers the call's
 * recorder id, or -1 to leave it unrecorded) and `permtrace_leave(entry, id, retval, errno, extra)`
 * when a recorded call has returned.
 */
export function filterSource(entries: readonly NativeEntry[] = NATIVE_ENTRIES): string {
  return `#include <gum/guminterceptor.h>
#include <gum/gumprocess.h>
#include <gum/gumspinlock.h>
#include <string.h>

extern int permtrace_enter (int entry, const void * arg, void * return_address);
extern int permtrace_send (int entry, int fd, const void * buf, int len, const void * addr, void * return_address);
extern int getsockname (int fd, void * addr, unsigned int * len);
extern void permtrace_leave (int entry, int id, void * retval, int error, const void * extra);
extern gsize pthread_self (void);
extern int getpid (void);

typedef gpointer (* Original) (${ARGS});
typedef struct { const char * prefix; int middle; const char * suffix; } Pattern;
typedef struct { int kind; int arg; unsigned int request; const Pattern * patterns; int n; } Entry;
enum { ${KINDS.map((k, i) => `K_${i} /* ${k} */`).join(", ")} };

/* getifaddrs' list (ifaddrs.h) and an AF_PACKET address (linux/if_packet.h, sockaddr_ll). */
struct IfAddrs { struct IfAddrs * next; char * name; unsigned int flags; unsigned short * addr; };
typedef struct { unsigned short family, protocol; int ifindex; unsigned short hatype; unsigned char pkttype, halen, addr[8]; } SockaddrLl;
#define AF_PACKET 17
#define AF_INET 2
#define AF_INET6 10

${cPatterns("serial", PATTERNS.serial)}
${cPatterns("mac", PATTERNS.mac)}
static const Entry entries[] =
{
${entries.map(cEntry).join("\n")}
};

typedef struct
{
  /* The functions replaced, by entry: written by the agent before any call can arrive. */
  Original originals[${entries.length}];
  /* The process the agent was loaded in: a forked child inherits the replacements, not the agent. */
  int pid;
  GumSpinlock lock;
  /* Threads inside a matched call: what it calls (bionic's fopen calls open) is part of it. */
  int n_guards;
  gsize guards[${MAX_GUARDS}];
  /* prop_info pointers that look-ups of interesting names returned, with the names. */
  int n_props;
  gpointer props[${MAX_PROPS}];
  char prop_names[${MAX_PROPS}][${NAME_MAX}];
  /* By descriptor, one bit each: an Internet socket; anything else. Neither: not asked yet. */
  guint32 inet[${MAX_FDS / 32}];
  guint32 other[${MAX_FDS / 32}];
  /* The functions that keep the socket table right (FD_TRACK). */
  Original track_originals[${FD_TRACK.length}];
  /* Set when the agent is disposed: every replacement then only calls its original. */
  int disabled;
} State;

extern State state;

int
state_size (void)
{
  return (int) sizeof (State);
}

/* The agent was disposed: replacements only call their originals from now on (they stay in place: see agent/engine/native.ts). */
void
pt_disable (void)
{
  state.disabled = 1;
}

int
originals_offset (void)
{
  return (int) ((char *) &state.originals[0] - (char *) &state);
}

int
track_originals_offset (void)
{
  return (int) ((char *) &state.track_originals[0] - (char *) &state);
}

void
init (void)
{
  state.pid = getpid ();
}

/* The TypeScript twin is matches() in agent/catalogue/native.ts. */
static int
pt_match (const Pattern * p, int n, const char * s)
{
  int i;
  for (i = 0; i != n; i++)
  {
    const char * c = s;
    size_t len = strlen (p[i].prefix);
    if (strncmp (c, p[i].prefix, len) != 0)
      continue;
    c += len;
    if (p[i].middle == 1)
      while (*c >= '0' && *c <= '9')
        c++;
    else if (p[i].middle == 2)
    {
      const char * start = c;
      while (*c != '\\0' && *c != '/')
        c++;
      if (c == start)
        continue;
    }
    if (strcmp (c, p[i].suffix) == 0)
      return 1;
  }
  return 0;
}

/*
 * Whether this is the process the agent was loaded in. Asked before taking the lock on paths that
 * are not the hottest: a forked child inherits the lock as it was, possibly held by a thread the
 * fork did not copy, and would spin on it for ever.
 */
static int
in_own_process (void)
{
  return getpid () == state.pid;
}

/* Only calls made while some thread is inside a matched call pay for the look-up. */
static int
guarded (void)
{
  gsize self;
  int i, found = 0;
  if (state.n_guards == 0 || !in_own_process ())
    return 0;
  self = pthread_self ();
  gum_spinlock_acquire (&state.lock);
  for (i = 0; i != state.n_guards; i++)
    if (state.guards[i] == self)
      found = 1;
  gum_spinlock_release (&state.lock);
  return found;
}

static void
guard (int on)
{
  gsize self = pthread_self ();
  int i;
  gum_spinlock_acquire (&state.lock);
  if (on && state.n_guards != ${MAX_GUARDS})
    state.guards[state.n_guards++] = self;
  else if (!on)
    for (i = 0; i != state.n_guards; i++)
      if (state.guards[i] == self)
      {
        state.guards[i] = state.guards[--state.n_guards];
        break;
      }
  gum_spinlock_release (&state.lock);
}

static const char *
remembered_name (gpointer pi)
{
  const char * name = NULL;
  int i;
  if (state.n_props == 0 || !in_own_process ())
    return NULL;
  gum_spinlock_acquire (&state.lock);
  for (i = 0; i != state.n_props; i++)
    if (state.props[i] == pi)
      name = state.prop_names[i];
  gum_spinlock_release (&state.lock);
  return name;
}

static void
remember (gpointer pi, const char * name)
{
  size_t len = strlen (name);
  int i;
  gum_spinlock_acquire (&state.lock);
  for (i = 0; i != state.n_props && state.props[i] != pi; i++)
    ;
  if (i == state.n_props && i != ${MAX_PROPS} && len < ${NAME_MAX})
  {
    memcpy (state.prop_names[i], name, len + 1);
    state.props[i] = pi;
    state.n_props++;
  }
  gum_spinlock_release (&state.lock);
}

static int
has_hardware_address (struct IfAddrs * ifa)
{
  for (; ifa != NULL; ifa = ifa->next)
  {
    const SockaddrLl * sll = (const SockaddrLl *) ifa->addr;
    int i;
    if (sll == NULL || sll->family != AF_PACKET)
      continue;
    for (i = 0; i != sll->halen && i != 8; i++)
      if (sll->addr[i] != 0)
        return 1;
  }
  return 0;
}

${socketSource()}
/* What the call reads (a string for JavaScript), NULL when nothing of interest. */
static gpointer
match (const Entry * e, gpointer * args)
{
  gpointer arg = args[e->arg];
  switch (e->kind)
  {
    case K_0:
    case K_1:
    case K_2:
      return (arg != NULL && pt_match (e->patterns, e->n, arg)) ? arg : NULL;
    case K_3:
      return (gpointer) remembered_name (arg);
    case K_4:
      /* The request is an int in bionic, an unsigned long in glibc: its low 32 bits either way. */
      return ((unsigned int) GPOINTER_TO_SIZE (args[1]) == e->request) ? args[2] : NULL;
    case K_5:
      return arg;
  }
  return NULL;
}

static gpointer
filtered (int index, gpointer return_address, ${ARGS})
{
  const Entry * e = &entries[index];
  Original original = state.originals[index];
  gpointer args[6];
  gpointer arg, retval;
  int id = -1, error, deferred = e->kind == K_2 || e->kind == K_5;

  if (state.disabled || guarded ())
    return original (a0, a1, a2, a3, a4, a5);
  args[0] = a0; args[1] = a1; args[2] = a2; args[3] = a3; args[4] = a4; args[5] = a5;
  arg = match (e, args);
  /*
   * A forked child runs this filter but not the agent: its copy of the script is not connected,
   * and its JavaScript lock may have been held by a thread the fork did not copy (measured: a
   * child reading a MAC address while the parent's agent was busy hung; frida/frida#467).
   */
  if (arg == NULL || getpid () != state.pid)
    return original (a0, a1, a2, a3, a4, a5);

  guard (1);
  if (!deferred)
  {
    error = gum_thread_get_system_error ();
    id = permtrace_enter (index, arg, return_address);
    gum_thread_set_system_error (error);
  }
  retval = original (a0, a1, a2, a3, a4, a5);
  error = gum_thread_get_system_error ();
  guard (0);

  /* A look-up that found the property is remembered, not recorded: the read is recorded. */
  if (e->kind == K_2 && retval != NULL)
  {
    remember (retval, arg);
    return retval;
  }
  if (e->kind == K_5 && (GPOINTER_TO_SIZE (retval) != 0 || !has_hardware_address (*(struct IfAddrs **) arg)))
    return retval;
  if (deferred)
    id = permtrace_enter (index, e->kind == K_5 ? NULL : arg, return_address);
  if (id >= 0)
    permtrace_leave (index, id, retval, error, e->kind == K_1 ? a1 : NULL);
  gum_thread_set_system_error (error);
  return retval;
}

${entries.map(replacement).join("\n")}`;
}

/**
 * What rejects most calls before `filtered` is called: the ioctl request, the first two characters
 * of a path or property name. TinyCC does not inline, and ioctl (Binder) is called most.
 */
function quickReject(e: NativeEntry): string | null {
  const f = e.filter;
  if (f.kind === "ioctl") return `(unsigned int) GPOINTER_TO_SIZE (a1) != ${f.request}u`;
  if (f.kind !== "path" && f.kind !== "prop" && f.kind !== "prop-find") return null;
  const s = `((const char *) a${f.arg})`;
  const heads = [...new Set((f.kind === "path" ? PATTERNS.mac : PATTERNS.serial).map((p) => p.prefix.slice(0, 2)))];
  if (heads.some((h) => h.length < 2)) return `a${f.arg} == NULL`;
  const differs = heads.map((h) => `(${s}[0] != '${h[0]}' || ${s}[1] != '${h[1]}')`);
  return `a${f.arg} == NULL || (${differs.join(" && ")})`;
}

/** `r_<i>`: the function that replaces entry i's, with its own return address. */
function replacement(e: NativeEntry, i: number): string {
  if (e.filter.kind === "send") {
    return `gpointer
r_${i} (${ARGS})
{
  return sent (${i}, __builtin_return_address (0), a0, a1, a2, a3, a4, a5);
}
`;
  }
  const reject = quickReject(e);
  return `gpointer
r_${i} (${ARGS})
{
${reject === null ? "" : `  if (${reject})\n    return state.originals[${i}] (a0, a1, a2, a3, a4, a5);\n`}  return filtered (${i}, __builtin_return_address (0), a0, a1, a2, a3, a4, a5);
}
`;
}
