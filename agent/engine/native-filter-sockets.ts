/**
 * The C filter's socket table and sends (issue 15 item 1), a part of ./native-filter.ts's source:
 * which descriptors are Internet sockets (one bit each, asked once with getsockname, forgotten by
 * close, marked by connect or sendto's address, corrected by JavaScript through `pt_mark`), and
 * `sent`, which calls `permtrace_send` before a send's bytes go. The state fields it uses
 * (`inet`, `other`, `track_originals`) are declared in native-filter.ts's State.
 */
import { FD_TRACK, TRACK_HOWS } from "../catalogue/native.js";

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
  if (fd < 0 || fd >= ${MAX_FDS} || !in_own_process ())
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
  int word, inet, error;
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
  /* ENOTSOCK for a file, a pipe, a tty: it is then not asked again until closed. The app's errno is kept. */
  error = gum_thread_get_system_error ();
  inet = getsockname (fd, &address, &length) == 0 && is_inet_family (&address);
  gum_thread_set_system_error (error);
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
  if (((state.inet[word] | state.other[word]) & bit) == 0 || !in_own_process ())
    return;
  gum_spinlock_acquire (&state.lock);
  state.inet[word] &= ~bit;
  state.other[word] &= ~bit;
  gum_spinlock_release (&state.lock);
}

/*
 * A send on an Internet socket: JavaScript reads the bytes before they go (it records the call and
 * what it carried), the outcome after. The guard makes what the send calls part of it. Two forms
 * share this: the replacement r_<i> (Interceptor.replaceFast) and, where a function is too short
 * to replace (bionic's syscall stubs and netd tail calls), Interceptor.attach listeners.
 *
 * send_enter returns -2 for a call let through untouched, else the call's recorder id or -1 (not
 * recorded), with the guard held until send_leave.
 */
static int
send_enter (int index, gpointer return_address, gpointer a0, gpointer a1, gpointer a2, gpointer a4)
{
  const Entry * e = &entries[index];
  gssize len = (gssize) GPOINTER_TO_SIZE (a2);
  int fd = (int) GPOINTER_TO_SIZE (a0);
  int inet, id, error;
  if (state.disabled || len <= 0)
    return -2;
  /* sendto's address says what the socket is; else the table (write() runs on every file, and glibc's getpid() is a system call). */
  inet = (e->arg == 4 && a4 != NULL) ? is_inet_family (a4) : is_inet (fd);
  if (!inet || guarded () || getpid () != state.pid)
    return -2;
  guard (1);
  error = gum_thread_get_system_error ();
  id = permtrace_send (index, fd, a1, len > 0x7fffffff ? 0x7fffffff : (int) len, e->arg == 4 ? a4 : NULL, return_address);
  gum_thread_set_system_error (error);
  return id;
}

static void
send_leave (int index, int id, gpointer retval)
{
  int error = gum_thread_get_system_error ();
  guard (0);
  if (id >= 0)
    permtrace_leave (index, id, retval, error, NULL);
  gum_thread_set_system_error (error);
}

static gpointer
sent (int index, gpointer return_address, ${ARGS})
{
  gpointer retval;
  int id = send_enter (index, return_address, a0, a1, a2, a4);
  if (id == -2)
    return state.originals[index] (a0, a1, a2, a3, a4, a5);
  retval = state.originals[index] (a0, a1, a2, a3, a4, a5);
  send_leave (index, id, retval);
  return retval;
}

typedef struct { int id; } SendCall;

void
on_send_enter (GumInvocationContext * ic)
{
  int index = GPOINTER_TO_SIZE (gum_invocation_context_get_listener_function_data (ic));
  GUM_IC_GET_INVOCATION_DATA (ic, SendCall)->id = send_enter (index, gum_invocation_context_get_return_address (ic),
      gum_invocation_context_get_nth_argument (ic, 0), gum_invocation_context_get_nth_argument (ic, 1),
      gum_invocation_context_get_nth_argument (ic, 2), gum_invocation_context_get_nth_argument (ic, 4));
}

void
on_send_leave (GumInvocationContext * ic)
{
  int id = GUM_IC_GET_INVOCATION_DATA (ic, SendCall)->id;
  if (id != -2)
    send_leave (GPOINTER_TO_SIZE (gum_invocation_context_get_listener_function_data (ic)), id, gum_invocation_context_get_return_value (ic));
}

/* FD_TRACK's functions: what a descriptor is, kept as they run (TRACK_HOWS: ${TRACK_HOWS.join(", ")}). */
static void
track_before (int how, gpointer a0)
{
  if (how == 0)
    forget ((int) GPOINTER_TO_SIZE (a0));
}

static void
track_after (int how, gpointer a0, gpointer a1, gpointer retval)
{
  int fd = (int) GPOINTER_TO_SIZE (retval);
  if (how == 0)
    forget ((int) GPOINTER_TO_SIZE (a0));
  /* A connect in progress (EINPROGRESS) or refused is still an Internet socket: marked whatever the result. */
  else if (how == 1)
    pt_mark ((int) GPOINTER_TO_SIZE (a0), is_inet_family (a1));
  else if (how == 2 && fd >= 0)
    pt_mark (fd, (int) GPOINTER_TO_SIZE (a0) == AF_INET || (int) GPOINTER_TO_SIZE (a0) == AF_INET6);
  else if (how == 3 && fd >= 0)
    pt_mark (fd, is_inet ((int) GPOINTER_TO_SIZE (a0)));
}

static gpointer
tracked (int i, int how, ${ARGS})
{
  gpointer retval;
  int error;
  track_before (how, a0);
  retval = state.track_originals[i] (a0, a1, a2, a3, a4, a5);
  error = gum_thread_get_system_error ();
  track_after (how, a0, a1, retval);
  gum_thread_set_system_error (error);
  return retval;
}

typedef struct { gpointer a0, a1; } TrackCall;

void
on_track_enter (GumInvocationContext * ic)
{
  TrackCall * c = GUM_IC_GET_INVOCATION_DATA (ic, TrackCall);
  c->a0 = gum_invocation_context_get_nth_argument (ic, 0);
  c->a1 = gum_invocation_context_get_nth_argument (ic, 1);
  track_before (GPOINTER_TO_SIZE (gum_invocation_context_get_listener_function_data (ic)), c->a0);
}

void
on_track_leave (GumInvocationContext * ic)
{
  TrackCall * c = GUM_IC_GET_INVOCATION_DATA (ic, TrackCall);
  int error = gum_thread_get_system_error ();
  track_after (GPOINTER_TO_SIZE (gum_invocation_context_get_listener_function_data (ic)), c->a0, c->a1, gum_invocation_context_get_return_value (ic));
  gum_thread_set_system_error (error);
}

${FD_TRACK.map(tracker).join("\n")}`;
}

/** `f_<i>`: replaces FD_TRACK[i]. */
function tracker(f: (typeof FD_TRACK)[number], i: number): string {
  return `gpointer
f_${i} (${ARGS})
{
  return tracked (${i}, ${TRACK_HOWS.indexOf(f.how)}, a0, a1, a2, a3, a4, a5);
}
`;
}
