/**
 * An address as text, the way the socket's own peer address reads (GumJS `Socket.peerAddress`
 * uses inet_ntop: frida-gum bindings/gumjs/gumquicksocket.c), so a host is spelled one way
 * whichever path gave it: IPv4 dotted; IPv6 in RFC 5952 form (lower case, the longest run of
 * two or more zero groups — the first of equal runs — as "::"); an IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d: Java's sockets are AF_INET6 with mapped addresses) as its IPv4 address.
 * Plain TypeScript: tests run it in Node.
 */
export function ipText(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join(".");
  const mapped = b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return Array.from(b.subarray(12)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`;
}
