/**
 * The C filter's socket table and sends (issue 15 item 1), a part of ./native-filter.ts's source:
 * which descriptors are Internet sockets (one bit each, asked once with getsockname, forgotten by
 * close, marked by connect or sendto's address, corrected by JavaScript through `pt_mark`), and
 * `sent`, which calls `permtrace_send` before a send's bytes go. The state fields it uses
 * (`inet`, `other`, `track_originals`) are declared in native-filter.ts's State.
 */
import { FD_TRACK } from "../catalogue/native.js";

/** Descriptors the socket table covers; a higher one is never taken for a socket. */
export const MAX_FDS = 65536;

export const ARGS = "gpointer a0, gpointer a1, gpointer a2, gpointer a3, gpointer a4, gpointer a5";

/** The C of the socket table, `sent` and the FD_TRACK replacements (`f_<i>`). */
export function socketSource(): string {
  return `static int
is_inet_family (const void * address)
{
  unsigned short family = address != NULL ? *(const unsigned short *) address : 0;
  return family == AF_INET || family == AF_INET6;
}

/* Records what descriptor fd is (also called by JavaScript when a descriptor taken for a socket is not one). */
void
pt_mark (int fd, int inet)
{
  guint32 bit;
  int word;
  if (fd < 0 || fd >= ${MAX_FDS})
    return;
  word = fd >> 5;
  bit = 1u << (fd & 31);
  gum_spinlock_acquire (&state.lock);
  if (inet)
  {
    state.inet[word] |= bit;
    state.other[word] &= ~bit;
  }
  else
  {
    state.other[word] |= bit;
    state.inet[word] &= ~bit;
  }
  gum_spinlock_release (&state.lock);
}

/* Whether descriptor fd is an Internet socket: known, else asked once (getsockname) and remembered. */
static int
is_inet (int fd)
{
  guint32 bit;
  int word, inet;
  struct { unsigned short family; char rest[126]; } address;
  unsigned int length = sizeof (address);
  if (fd < 0 || fd >= ${MAX_FDS})
    return 0;
  word = fd >> 5;
  bit = 1u << (fd & 31);
  if ((state.inet[word] & bit) != 0)
    return 1;
  if ((state.other[word] & bit) != 0)
    return 0;
  address.family = 0;
  /* ENOTSOCK for a file, a pipe, a tty: it is then not asked again until closed. */
  inet = getsockname (fd, &address, &length) == 0 && is_inet_family (&address);
  pt_mark (fd, inet);
  return inet;
}

/* A closed descriptor may next be anything. */
static void
forget (int fd)
{
  guint32 bit;
  int word;
  if (fd < 0 || fd >= ${MAX_FDS})
    return;
  word = fd >> 5;
  bit = 1u << (fd & 31);
  if (((state.inet[word] | state.other[word]) & bit) == 0)
    return;
  gum_spinlock_acquire (&state.lock);
  state.inet[word] &= ~bit;
  state.other[word] &= ~bit;
  gum_spinlock_release (&state.lock);
}

/*
 * A send on an Internet socket: JavaScript reads the bytes before they go (it records the call and
 * what it carried), the outcome after. The guard makes what the send calls part of it.
 */
static gpointer
sent (int index, gpointer return_address, ${ARGS})
{
  const Entry * e = &entries[index];
  Original original = state.originals[index];
  gpointer retval;
  int id, error;
  gssize len = (gssize) GPOINTER_TO_SIZE (a2);
  int fd = (int) GPOINTER_TO_SIZE (a0);
  /* sendto's address says what the socket is; else the table (write() runs on every file, and glibc's getpid() is a system call). */
  int inet = (e->arg == 4 && a4 != NULL) ? is_inet_family (a4) : is_inet (fd);
  if (len <= 0 || !inet || guarded () || getpid () != state.pid)
    return original (a0, a1, a2, a3, a4, a5);
  guard (1);
  error = gum_thread_get_system_error ();
  id = permtrace_send (index, fd, a1, len > 0x7fffffff ? 0x7fffffff : (int) len, e->arg == 4 ? a4 : NULL, return_address);
  gum_thread_set_system_error (error);
  retval = original (a0, a1, a2, a3, a4, a5);
  error = gum_thread_get_system_error ();
  guard (0);
  if (id >= 0)
    permtrace_leave (index, id, retval, error, NULL);
  gum_thread_set_system_error (error);
  return retval;
}

${FD_TRACK.map(tracker).join("\n")}`;
}

/** `f_<i>`: replaces FD_TRACK[i]: close forgets the descriptor (before and after), connect marks it by the address's family. */
function tracker(f: (typeof FD_TRACK)[number], i: number): string {
  const call = `state.track_originals[${i}] (a0, a1, a2, a3, a4, a5)`;
  const before = f.how === "forget" ? "  forget ((int) GPOINTER_TO_SIZE (a0));\n" : "";
  // A connect in progress (EINPROGRESS) is a socket too: marked whatever the result.
  const after = f.how === "forget" ? "forget ((int) GPOINTER_TO_SIZE (a0))" : "pt_mark ((int) GPOINTER_TO_SIZE (a0), is_inet_family (a1))";
  return `gpointer
f_${i} (${ARGS})
{
  gpointer retval;
  int error;
${before}  retval = ${call};
  error = gum_thread_get_system_error ();
  ${after};
  gum_thread_set_system_error (error);
  return retval;
}
`;
}

