/*
 * A stand-in for the parts of Android's bionic libc the native side channels hook, for a Linux
 * (glibc) test target: the system-property API (bionic libc/include/sys/system_properties.h) and
 * bionic's fopen, which opens through open() (bionic libc/stdio/stdio.cpp) where glibc's does not.
 * Linked before libc, these definitions are what the target and Frida's global export look-up find.
 * Fixed values: one serial property, one denied (SELinux gives an empty value, and find gives
 * NULL), one unrelated property.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct prop_info { const char * name; const char * value; uint32_t serial; } prop_info;

static const prop_info props[] = {
  { "ro.serialno", "SERIAL123", 1 },
  { "ro.build.version.sdk", "34", 2 },
};

/* What a denied property reads as: an empty value (bionic returns 0 and sets value[0] = 0). */
static int denied (const char * name)
{
  return strcmp (name, "persist.radio.imei1") == 0 || strcmp (name, "ro.boot.serialno") == 0;
}

const prop_info *
__system_property_find (const char * name)
{
  for (size_t i = 0; i != sizeof (props) / sizeof (props[0]); i++)
    if (strcmp (props[i].name, name) == 0)
      return &props[i];
  return NULL;
}

int
__system_property_get (const char * name, char * value)
{
  const prop_info * pi = denied (name) ? NULL : __system_property_find (name);
  value[0] = '\0';
  if (pi == NULL)
    return 0;
  strcpy (value, pi->value);
  return (int) strlen (value);
}

void
__system_property_read_callback (const prop_info * pi,
    void (* callback) (void * cookie, const char * name, const char * value, uint32_t serial),
    void * cookie)
{
  callback (cookie, pi->name, pi->value, pi->serial);
}

FILE *
fopen (const char * path, const char * mode)
{
  int flags = mode[0] == 'r' ? O_RDONLY : mode[0] == 'w' ? O_WRONLY | O_CREAT | O_TRUNC : O_WRONLY | O_CREAT | O_APPEND;
  int fd;
  if (strchr (mode, '+') != NULL)
    flags = (flags & ~(O_RDONLY | O_WRONLY)) | O_RDWR;
  fd = open (path, flags | O_CLOEXEC, 0666);
  if (fd < 0)
    return NULL;
  return fdopen (fd, mode);
}
