/*
 * The native target of test/frida/native-target.test.ts. On a line on stdin it reads each network
 * and phone identifier once through the libc paths the agent hooks and does unrelated work through
 * the same functions; on a second line it forks one child (which reads a MAC address and exits
 * with 7) and writes the child's exit status and signal to <argv[0]>.child; then it sends what
 * each following line says until a line `exit` (see sends()). Built with -DBENCH_CALLS=N (or run as `target bench N`) it times N calls of each kind
 * instead and writes µs per call to <argv[0]>.json (clock_gettime inside the process: the host's
 * overhead is not counted).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct prop_info prop_info;
extern int __system_property_get (const char * name, char * value);
extern const prop_info * __system_property_find (const char * name);
extern void __system_property_read_callback (const prop_info * pi,
    void (* callback) (void * cookie, const char * name, const char * value, uint32_t serial), void * cookie);

static void
on_property (void * cookie, const char * name, const char * value, uint32_t serial)
{
  (void) name; (void) serial;
  strcpy (cookie, value);
}

static void
read_file (int fd)
{
  char buf[4096];
  if (fd >= 0)
  {
    while (read (fd, buf, sizeof (buf)) > 0)
      ;
    close (fd);
  }
}

static size_t
unhex (const char * hex, unsigned char * out, size_t max)
{
  size_t n = 0;
  unsigned int byte;
  while (n < max && sscanf (hex + 2 * n, "%2x", &byte) == 1)
    out[n++] = (unsigned char) byte;
  return n;
}

static int blocked_pipe[2];

/* Writes 1 MiB into a pipe nobody reads yet: blocks inside write(), which the agent replaced. */
static void *
blocked_writer (void * unused)
{
  static char chunk[1 << 20];
  (void) unused;
  write (blocked_pipe[1], chunk, sizeof (chunk));
  return NULL;
}

/*
 * Sends on lines `<how> <port> <hex>[,<hex>...]` to 127.0.0.1:<port>, each chunk in one call on one
 * socket: `send` and `write` over TCP, `sendto` as UDP datagrams; `file` writes the chunks to
 * <argv[0]>.file instead (a write the agent must not take for a send). Each line is answered
 * `done` on stdout once its socket is closed. Ends on `exit`.
 */
static void
sends (const char * self)
{
  static char line[1 << 17];
  static unsigned char bytes[1 << 16];
  char how[16], path[256];
  int port, file_errno = 0;
  while (fgets (line, sizeof (line), stdin) != NULL && strncmp (line, "exit", 4) != 0)
  {
    char * chunk;
    struct sockaddr_in a;
    int s;
    if (sscanf (line, "%15s %d", how, &port) != 2 || (chunk = strchr (strchr (line, ' ') + 1, ' ')) == NULL)
      continue;
    /* `block`: a thread left inside write(); `drain`: let it out, then say so in <argv[0]>.drained. */
    if (strcmp (how, "block") == 0 || strcmp (how, "drain") == 0)
    {
      static pthread_t writer;
      if (how[0] == 'b')
      {
        pipe (blocked_pipe);
        pthread_create (&writer, NULL, blocked_writer, NULL);
      }
      else
      {
        char buf[65536];
        FILE * out;
        size_t total = 0;
        ssize_t n;
        while (total < (1u << 20) && (n = read (blocked_pipe[0], buf, sizeof (buf))) > 0)
          total += (size_t) n;
        pthread_join (writer, NULL);
        snprintf (path, sizeof (path), "%s.drained", self);
        out = fopen (path, "w");
        fprintf (out, "%zu\n", total);
        fclose (out);
      }
      printf ("done\n");
      fflush (stdout);
      continue;
    }
    memset (&a, 0, sizeof (a));
    a.sin_family = AF_INET;
    a.sin_port = htons ((uint16_t) port);
    a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    snprintf (path, sizeof (path), "%s.file", self);
    if (strcmp (how, "file") == 0)
      s = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    else
      s = socket (AF_INET, strcmp (how, "sendto") == 0 ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (strcmp (how, "send") == 0 || strcmp (how, "write") == 0)
      connect (s, (struct sockaddr *) &a, sizeof (a));
    for (; chunk != NULL; chunk = strchr (chunk + 1, ','))
    {
      size_t n = unhex (chunk + 1, bytes, sizeof (bytes));
      if (strcmp (how, "send") == 0)
        send (s, bytes, n, MSG_NOSIGNAL);
      else if (strcmp (how, "sendto") == 0)
        sendto (s, bytes, n, 0, (struct sockaddr *) &a, sizeof (a));
      else
      {
        /* A successful write leaves errno as it was: the filter's look at the descriptor must not change it. */
        errno = 0;
        write (s, bytes, n);
        if (strcmp (how, "file") == 0)
          file_errno = errno;
      }
    }
    close (s);
    if (strcmp (how, "file") == 0)
    {
      FILE * out;
      snprintf (path, sizeof (path), "%s.errno", self);
      out = fopen (path, "w");
      fprintf (out, "%d\n", file_errno);
      fclose (out);
    }
    printf ("done\n");
    fflush (stdout);
  }
}

static void
identifiers (const char * iface)
{
  char path[256], value[92];
  struct ifreq ifr;
  struct ifaddrs * list;
  const prop_info * pi;
  FILE * f;
  int s = socket (AF_INET, SOCK_DGRAM, 0);

  snprintf (path, sizeof (path), "/sys/class/net/%s/address", iface);
  read_file (open (path, O_RDONLY));                      /* open.mac */
  f = fopen (path, "r");                                  /* fopen.mac (its open() is the same read) */
  if (f != NULL)
    fclose (f);
  read_file (openat (AT_FDCWD, "/proc/net/arp", O_RDONLY)); /* openat.mac */
  memset (&ifr, 0, sizeof (ifr));
  strncpy (ifr.ifr_name, iface, IFNAMSIZ - 1);
  ioctl (s, SIOCGIFHWADDR, &ifr);                         /* ioctl.SIOCGIFHWADDR */
  if (getifaddrs (&list) == 0)                            /* getifaddrs.hwaddr */
    freeifaddrs (list);
  __system_property_get ("ro.serialno", value);           /* __system_property_get.serial */
  __system_property_get ("persist.radio.imei1", value);   /* ... empty: denied */
  pi = __system_property_find ("ro.serialno");            /* remembered, not recorded */
  if (pi != NULL)
    __system_property_read_callback (pi, on_property, value); /* __system_property_read_callback.serial */
  __system_property_find ("ro.boot.serialno");            /* __system_property_find.serial: NULL */
  close (s);
}

static void
unrelated (void)
{
  char value[92];
  int fds[2], n;
  FILE * f;
  const prop_info * pi;

  read_file (open ("/etc/hostname", O_RDONLY));
  read_file (openat (AT_FDCWD, "/proc/self/status", O_RDONLY));
  read_file (open ("/sys/class/net", O_RDONLY | O_DIRECTORY));
  f = fopen ("/etc/passwd", "r");
  if (f != NULL)
    fclose (f);
  if (pipe (fds) == 0)
  {
    ioctl (fds[0], FIONREAD, &n);
    ioctl (fds[0], TCGETS, value);                        /* fails: not a terminal */
    close (fds[0]);
    close (fds[1]);
  }
  __system_property_get ("ro.build.version.sdk", value);
  pi = __system_property_find ("ro.build.version.sdk");
  if (pi != NULL)
    __system_property_read_callback (pi, on_property, value);
}

static double
now_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* µs per call: open+close of an unrelated file, ioctl(FIONREAD) on a pipe, open+close of a MAC file. */
static void
bench (const char * self, const char * iface, long n)
{
  char path[256];
  FILE * out;
  int fds[2], avail;
  double t0, open_us, ioctl_us, match_us;
  long i;

  snprintf (path, sizeof (path), "/sys/class/net/%s/address", iface);
  if (pipe (fds) != 0)
    exit (2);
  t0 = now_us ();
  for (i = 0; i != n; i++)
    close (open ("/etc/hostname", O_RDONLY));
  open_us = (now_us () - t0) / n;
  t0 = now_us ();
  for (i = 0; i != n; i++)
    ioctl (fds[0], FIONREAD, &avail);
  ioctl_us = (now_us () - t0) / n;
  t0 = now_us ();
  for (i = 0; i != n / 10; i++)
    close (open (path, O_RDONLY));
  match_us = (now_us () - t0) / (n / 10);
  snprintf (path, sizeof (path), "%s.json", self);
  out = fopen (path, "w");
  if (out == NULL)
    exit (3);
  fprintf (out, "{\"open\":%.4f,\"ioctl\":%.4f,\"matchingOpen\":%.4f}\n", open_us, ioctl_us, match_us);
  fclose (out);
}

int
main (int argc, char ** argv)
{
  const char * iface = getenv ("TARGET_IFACE") != NULL ? getenv ("TARGET_IFACE") : "lo";
  char line[64], path[256];
  pid_t child;
  int status = 0;
  FILE * out;

#ifdef BENCH_CALLS
  bench (argv[0], iface, BENCH_CALLS);
  return 0;
#endif
  if (argc == 3 && strcmp (argv[1], "bench") == 0)
  {
    bench (argv[0], iface, atol (argv[2]));
    return 0;
  }
  if (fgets (line, sizeof (line), stdin) == NULL)
    return 2;
  identifiers (iface);
  unrelated ();
  /*
   * Forks on a second line, once the agent has sent what it recorded. Measured with frida-core
   * 17.18 and child gating on (the runner no longer enables it): a fork while a script was busy
   * sending sometimes killed the child (SIGSEGV) — with this agent, the one before it, and a
   * script that only sends messages alike (frida/frida#1442 reports the like on Android).
   */
  if (fgets (line, sizeof (line), stdin) == NULL)
    return 2;
  child = fork ();
  if (child == 0)
  {
    /* The child reads a MAC address too: what is recorded of it is the child policy's business. */
    char path[256];
    snprintf (path, sizeof (path), "/sys/class/net/%s/address", iface);
    read_file (open (path, O_RDONLY));
    _exit (7);
  }
  waitpid (child, &status, 0);
  snprintf (path, sizeof (path), "%s.child", argv[0]);
  out = fopen (path, "w");
  if (out != NULL)
  {
    fprintf (out, "%d %d %d\n", (int) child, WIFEXITED (status) ? WEXITSTATUS (status) : -1, WIFSIGNALED (status) ? WTERMSIG (status) : 0);
    fclose (out);
  }
  /* Sends, then exits when told: the test reads the agent's last batch first. */
  sends (argv[0]);
  return 0;
}
