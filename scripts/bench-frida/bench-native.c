/*
 * bench:frida's native target: times libc calls the agent hooks, in batches, on commands from
 * stdin ("<what> <n>", answered "ns <total>"), so one process serves every phase while the driver
 * attaches and detaches Frida scripts between them.
 *   open-nomatch   open("/dev/null"): a path no filter matches (what most open() calls are)
 *   open-match     open("/sys/class/net/lo/address"): the MAC address file the agent records
 *   ioctl-nomatch  ioctl(FIONREAD) on a socket (a request other than SIOCGIFHWADDR, as Binder's are)
 *   ioctl-match    ioctl(SIOCGIFHWADDR) on "lo": the request the agent records
 * Opens are timed in batches of BATCH and closed outside the timing, so close() is not counted.
 */
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256

static long long now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long time_open(const char *path, long n)
{
  int fds[BATCH];
  long long total = 0;
  for (long done = 0; done < n;) {
    int k = n - done < BATCH ? (int)(n - done) : BATCH;
    long long t0 = now_ns();
    for (int i = 0; i < k; i++)
      fds[i] = open(path, O_RDONLY);
    total += now_ns() - t0;
    for (int i = 0; i < k; i++)
      if (fds[i] >= 0)
        close(fds[i]);
    done += k;
  }
  return total;
}

static long long time_ioctl(int sock, unsigned long request, long n)
{
  struct ifreq ifr;
  int avail;
  void *arg = request == SIOCGIFHWADDR ? (void *)&ifr : (void *)&avail;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  long long t0 = now_ns();
  for (long i = 0; i < n; i++)
    ioctl(sock, request, arg);
  return now_ns() - t0;
}

int main(void)
{
  int sock = socket(AF_INET, SOCK_DGRAM, 0);
  char what[64];
  long n;
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("ready %d\n", (int)getpid());
  while (scanf("%63s %ld", what, &n) == 2) {
    long long ns = -1;
    if (strcmp(what, "open-nomatch") == 0)
      ns = time_open("/dev/null", n);
    else if (strcmp(what, "open-match") == 0)
      ns = time_open("/sys/class/net/lo/address", n);
    else if (strcmp(what, "ioctl-nomatch") == 0)
      ns = time_ioctl(sock, FIONREAD, n);
    else if (strcmp(what, "ioctl-match") == 0)
      ns = time_ioctl(sock, SIOCGIFHWADDR, n);
    printf("ns %lld\n", ns);
  }
  return 0;
}
