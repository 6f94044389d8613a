/**
 * AssemblyScript, compiled to WebAssembly by `npm run build:wasm` (not by tsc).
 *
 * The fast path of the parallel calls.jsonl reader (see ../wasm-scanner.ts): it reads the bytes
 * of the lines the trace writer produces — one flat JSON object of known keys, ASCII strings
 * without escapes, plain decimal numbers — straight into columns, and interns the strings it
 * keeps (hook, cat, perm, out, exc) so that no JavaScript string is made per event.
 *
 * It never decides that a line is wrong. Anything outside that narrow shape (whitespace, an
 * escape, a non-ASCII byte, an exponent, a number it cannot convert exactly, an unknown or
 * repeated key, a missing field, `req`, `null`…) makes the line SLOW, and JavaScript parses it
 * with JSON.parse and checks it as it always did. So what a line means, and every message about a
 * bad line, stays JSON.parse's and the reader's.
 *
 * Memory: a bump allocator over the module's memory; the string table grows by doubling (old
 * tables are left behind: at most as much again) and stops taking strings at MAX_STRINGS or
 * MAX_ARENA bytes, after which lines with new strings are SLOW.
 */

export const KIND_EVENT: u8 = 0;
export const KIND_SLOW: u8 = 1;
export const KIND_BLANK: u8 = 2;

/** Row flags, as the reader's batches use them: bit 1 own, bit 2 fg present, bit 3 fg true; and bit 4 has args, bit 5 has a stack. */
const F_OWN: u8 = 2;
const F_FG: u8 = 4;
const F_FG_TRUE: u8 = 8;
const F_ARGS: u8 = 16;
const F_STACK: u8 = 32;
/** args has a first element (its bytes: arg0 columns). */
const F_ARG0: u8 = 64;

let heapTop: usize = __heap_base;

function alloc(n: usize): usize {
  const p = (heapTop + 15) & ~(<usize>15);
  const end = p + n;
  const pages = <i32>((end + 0xffff) >>> 16);
  const have = memory.size();
  if (pages > have && memory.grow(pages - have) < 0) unreachable();
  heapTop = end;
  return p;
}

// ---- rows (one per line of the scanned buffer) ----
let maxRows: u32 = 0;
let rowKind: usize = 0;
let rowFlags: usize = 0;
let rowStart: usize = 0;
let rowLen: usize = 0;
let rowSeq: usize = 0;
let rowT: usize = 0;
let rowPid: usize = 0;
let rowTid: usize = 0;
let rowStack: usize = 0;
let rowHook: usize = 0;
let rowCat: usize = 0;
let rowPerm: usize = 0;
let rowOut: usize = 0;
let rowExc: usize = 0;
let rowArg0: usize = 0;
let rowArg0Len: usize = 0;

/** Sets up the row columns for at most `rows` lines per scan, and the string hash's key. Call once. */
export function init(rows: u32, key: u64): void {
  maxRows = rows;
  seed ^= key;
  rowKind = alloc(rows);
  rowFlags = alloc(rows);
  rowStart = alloc(<usize>rows << 2);
  rowLen = alloc(<usize>rows << 2);
  rowSeq = alloc(<usize>rows << 3);
  rowT = alloc(<usize>rows << 3);
  rowPid = alloc(<usize>rows << 2);
  rowTid = alloc(<usize>rows << 2);
  rowStack = alloc(<usize>rows << 2);
  rowHook = alloc(<usize>rows << 2);
  rowCat = alloc(<usize>rows << 2);
  rowPerm = alloc(<usize>rows << 2);
  rowOut = alloc(<usize>rows << 2);
  rowExc = alloc(<usize>rows << 2);
  rowArg0 = alloc(<usize>rows << 2);
  rowArg0Len = alloc(<usize>rows << 2);
  tableInit(1 << 12);
}

/**
 * Where column `i` starts (0 kind, 1 flags, 2 start, 3 len, 4 seq, 5 t, 6 pid, 7 tid, 8 stack,
 * 9 hook, 10 cat, 11 perm, 12 out, 13 exc, 14 first argument's address in memory, 15 its length).
 */
export function column(i: i32): usize {
  switch (i) {
    case 0: return rowKind;
    case 1: return rowFlags;
    case 2: return rowStart;
    case 3: return rowLen;
    case 4: return rowSeq;
    case 5: return rowT;
    case 6: return rowPid;
    case 7: return rowTid;
    case 8: return rowStack;
    case 9: return rowHook;
    case 10: return rowCat;
    case 11: return rowPerm;
    case 12: return rowOut;
    case 13: return rowExc;
    case 14: return rowArg0;
    case 15: return rowArg0Len;
  }
  return 0;
}

/** A new input buffer of `cap` bytes (the caller writes file bytes there). */
export function input(cap: u32): usize {
  return alloc(cap);
}

// ---- string table ----
const MAX_STRINGS: u32 = 1 << 20;
const MAX_ARENA: u32 = 64 << 20;
let slots: usize = 0; // i32 per slot: id + 1, 0 = empty
let slotMask: u32 = 0;
let entOff: usize = 0;
let entLen: usize = 0;
let entHash: usize = 0;
let entCap: u32 = 0;
let nStrings: u32 = 0;
let arena: usize = 0;
let arenaUsed: u32 = 0;
let arenaCap: u32 = 0;
let fresh: usize = 0;
let nFresh: u32 = 0;

function tableInit(cap: u32): void {
  slots = alloc(<usize>cap << 2);
  memory.fill(slots, 0, <usize>cap << 2);
  slotMask = cap - 1;
  entCap = cap >>> 1;
  entOff = alloc(<usize>entCap << 2);
  entLen = alloc(<usize>entCap << 2);
  entHash = alloc(<usize>entCap << 2);
  fresh = alloc(<usize>entCap << 2);
  arenaCap = 1 << 16;
  arena = alloc(arenaCap);
}

function moved(from: usize, used: u32, cap: u32): usize {
  const to = alloc(<usize>cap << 2);
  memory.copy(to, from, <usize>used << 2);
  return to;
}

/** Doubles the table when it is half full. */
function grow(): void {
  const cap = (slotMask + 1) << 1;
  const mask = cap - 1;
  const next = alloc(<usize>cap << 2);
  memory.fill(next, 0, <usize>cap << 2);
  for (let id: u32 = 0; id < nStrings; id++) {
    let s = load<u32>(entHash + (<usize>id << 2)) & mask;
    while (load<i32>(next + (<usize>s << 2)) != 0) s = (s + 1) & mask;
    store<i32>(next + (<usize>s << 2), id + 1);
  }
  slots = next;
  slotMask = mask;
  entCap = cap >>> 1;
  entOff = moved(entOff, nStrings, entCap);
  entLen = moved(entLen, nStrings, entCap);
  entHash = moved(entHash, nStrings, entCap);
  fresh = moved(fresh, nFresh, entCap);
}

let seed: u64 = 0x9E3779B97F4A7C15;
let probes: u64 = 0;

/**
 * Hash of all n bytes, eight at a time, keyed with init's seed: strings that differ anywhere
 * hash apart, and a trace cannot be built to make them collide (which would make each look-up
 * walk a long cluster: quadratic time).
 */
function hashOf(p: usize, n: u32): u32 {
  let h: u64 = seed ^ (<u64>n * 0xC2B2AE3D27D4EB4F);
  let i: usize = 0;
  const m = <usize>n;
  for (; i + 8 <= m; i += 8) {
    h = (h ^ load<u64>(p + i)) * 0x9E3779B97F4A7C15;
    h = rotl<u64>(h, 29);
  }
  let tail: u64 = 0;
  for (let k: u32 = 0; i < m; i++, k += 8) tail |= <u64>load<u8>(p + i) << k;
  h = (h ^ tail) * 0xFF51AFD7ED558CCD;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53;
  h ^= h >> 33;
  return <u32>(h ^ (h >> 32));
}

/** Slots visited by look-ups so far (for tests: stays near one per look-up). */
export function probeCount(): f64 {
  return <f64>probes;
}

function same(a: usize, b: usize, n: u32): bool {
  let i: usize = 0;
  const m = <usize>n;
  for (; i + 8 <= m; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  for (; i < m; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** The id of the n bytes at p (added if new), or -1 when the table is full. */
function intern(p: usize, n: u32): i32 {
  const h = hashOf(p, n);
  let s = h & slotMask;
  for (;;) {
    probes++;
    const v = load<i32>(slots + (<usize>s << 2));
    if (v == 0) break;
    const id = <u32>(v - 1);
    if (load<u32>(entHash + (<usize>id << 2)) == h && load<u32>(entLen + (<usize>id << 2)) == n
      && same(arena + load<u32>(entOff + (<usize>id << 2)), p, n)) return <i32>id;
    s = (s + 1) & slotMask;
  }
  if (nStrings >= MAX_STRINGS || arenaUsed + n > MAX_ARENA) return -1;
  if (arenaUsed + n > arenaCap) {
    let cap = arenaCap << 1;
    while (arenaUsed + n > cap) cap <<= 1;
    const a = alloc(cap);
    memory.copy(a, arena, arenaUsed);
    arena = a;
    arenaCap = cap;
  }
  memory.copy(arena + arenaUsed, p, n);
  const id = nStrings++;
  store<u32>(entOff + (<usize>id << 2), arenaUsed);
  store<u32>(entLen + (<usize>id << 2), n);
  store<u32>(entHash + (<usize>id << 2), h);
  store<i32>(slots + (<usize>s << 2), id + 1);
  store<u32>(fresh + (<usize>nFresh << 2), id);
  nFresh++;
  arenaUsed += n;
  if (nStrings >= entCap) grow();
  return <i32>id;
}

/** Strings added since the last clearFresh(), by id; their bytes are at stringPtr/stringLen. */
export function freshCount(): u32 { return nFresh; }
export function freshIds(): usize { return fresh; }
export function clearFresh(): void { nFresh = 0; }
export function stringPtr(id: u32): usize { return arena + load<u32>(entOff + (<usize>id << 2)); }
export function stringLen(id: u32): u32 { return load<u32>(entLen + (<usize>id << 2)); }

// ---- one line ----
let pos: usize = 0;
let numVal: f64 = 0;
let numFraction: bool = false;
let strStart: usize = 0;
let strLen: u32 = 0;
let lineEnd: usize = 0;

// @ts-ignore: decorator
@lazy const POW10: StaticArray<f64> = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * A JSON number at pos: -?(0|[1-9][0-9]*)(.[0-9]+)? with at most 15 digits in all. Its value,
 * m / 10^k with m < 2^53 and 10^k exact, is one correctly rounded division: the very double
 * JSON.parse gives. Exponents and longer numbers are left to JSON.parse.
 */
function number(end: usize): bool {
  let p = pos;
  let neg = false;
  if (p < end && load<u8>(p) == 0x2d) {
    neg = true;
    p++;
  }
  if (p >= end) return false;
  let c = load<u8>(p);
  let m: u64 = 0;
  let digits: u32 = 0;
  if (c == 0x30) {
    p++;
    digits = 1;
    if (p < end && <u32>(load<u8>(p) - 0x30) < 10) return false; // leading zero: not JSON
  } else if (<u32>(c - 0x31) < 9) {
    while (p < end) {
      c = load<u8>(p);
      if (<u32>(c - 0x30) >= 10) break;
      m = m * 10 + <u64>(c - 0x30);
      digits++;
      p++;
      if (digits > 15) return false;
    }
  } else return false;
  let k: u32 = 0;
  if (p < end && load<u8>(p) == 0x2e) {
    p++;
    while (p < end) {
      c = load<u8>(p);
      if (<u32>(c - 0x30) >= 10) break;
      m = m * 10 + <u64>(c - 0x30);
      digits++;
      k++;
      p++;
      if (digits > 15) return false;
    }
    if (k == 0) return false;
  }
  if (p < end && (load<u8>(p) | 0x20) == 0x65) return false; // exponent
  let v = <f64>m;
  if (k > 0) v = v / unchecked(POW10[k]);
  numVal = neg ? -v : v;
  numFraction = k > 0;
  pos = p;
  return true;
}

/** A string at pos (its opening quote) of printable ASCII without escapes. */
function str(end: usize): bool {
  if (pos >= end || load<u8>(pos) != 0x22) return false;
  let p = pos + 1;
  const s = p;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x22) {
      strStart = s;
      strLen = <u32>(p - s);
      pos = p + 1;
      return true;
    }
    if (<u32>(c - 0x20) > 0x5e || c == 0x5c) return false;
    p++;
  }
  return false;
}

/** `true` 1, `false` 0, anything else -1. */
function boolean(end: usize): i32 {
  if (pos + 4 <= end && load<u32>(pos) == 0x65757274) {
    pos += 4;
    return 1;
  }
  if (pos + 5 <= end && load<u32>(pos) == 0x736c6166 && load<u8>(pos + 4) == 0x65) {
    pos += 5;
    return 0;
  }
  return -1;
}

const K_SEQ = 1;
const K_T = 2;
const K_HOOK = 4;
const K_CAT = 8;
const K_PERM = 16;
const K_OUT = 32;
const K_EXC = 64;
const K_PID = 128;
const K_TID = 256;
const K_STACK = 512;
const K_ARGS = 1024;
const K_RET = 2048;
const K_OWN = 4096;
const K_FG = 8192;
const REQUIRED = K_SEQ | K_T | K_HOOK | K_CAT | K_OUT | K_PID | K_TID;

/** The key's bit, from its bytes read as little-endian words; 0 for any other key. */
function keyOf(p: usize, n: u32): i32 {
  if (n == 1) return load<u8>(p) == 0x74 ? K_T : 0;
  if (n == 2) return load<u16>(p) == 0x6766 ? K_FG : 0;
  if (n == 3) {
    const w = <u32>load<u16>(p) | (<u32>load<u8>(p + 2) << 16);
    if (w == 0x716573) return K_SEQ;
    if (w == 0x746163) return K_CAT;
    if (w == 0x74756f) return K_OUT;
    if (w == 0x637865) return K_EXC;
    if (w == 0x646970) return K_PID;
    if (w == 0x646974) return K_TID;
    if (w == 0x746572) return K_RET;
    if (w == 0x6e776f) return K_OWN;
    return 0;
  }
  if (n == 4) {
    const w = load<u32>(p);
    if (w == 0x6b6f6f68) return K_HOOK;
    if (w == 0x6d726570) return K_PERM;
    if (w == 0x73677261) return K_ARGS;
    return 0;
  }
  if (n == 5) return load<u32>(p) == 0x63617473 && load<u8>(p + 4) == 0x6b ? K_STACK : 0;
  return 0;
}

/**
 * Reads the line starting at `start` (the buffer ends at `end`) into row r. EVENT when the whole
 * line is the fast shape and ends with \n or \r\n (lineEnd = the \n); SLOW otherwise.
 */
function line(r: u32, start: usize, end: usize): u8 {
  if (start >= end || load<u8>(start) != 0x7b) return KIND_SLOW;
  pos = start + 1;
  let seen: i32 = 0;
  let perm: i32 = -1;
  let exc: i32 = -1;
  let flags: u8 = 0;
  const r4 = <usize>r << 2;
  const r8 = <usize>r << 3;
  for (;;) {
    if (!str(end)) return KIND_SLOW;
    const key = keyOf(strStart, strLen);
    if (key == 0 || (seen & key) != 0) return KIND_SLOW;
    seen |= key;
    if (pos >= end || load<u8>(pos) != 0x3a) return KIND_SLOW;
    pos++;
    if (key == K_SEQ || key == K_T) {
      if (!number(end)) return KIND_SLOW;
      store<f64>((key == K_SEQ ? rowSeq : rowT) + r8, numVal);
    } else if (key == K_PID || key == K_TID || key == K_STACK) {
      // Integers in int32 range only (not -0, which JavaScript keeps apart from 0).
      if (!number(end) || numFraction || numVal < -2147483648 || numVal > 2147483647 || reinterpret<i64>(numVal) == I64.MIN_VALUE) return KIND_SLOW;
      const v = <i32>numVal;
      if (key == K_PID) store<i32>(rowPid + r4, v);
      else if (key == K_TID) store<i32>(rowTid + r4, v);
      else {
        store<i32>(rowStack + r4, v);
        flags |= F_STACK;
      }
    } else if (key == K_RET) {
      if (!str(end)) return KIND_SLOW;
    } else if (key == K_OWN || key == K_FG) {
      const b = boolean(end);
      if (b < 0) return KIND_SLOW;
      if (key == K_OWN) flags |= b ? F_OWN : 0;
      else flags |= b ? F_FG | F_FG_TRUE : F_FG;
    } else if (key == K_ARGS) {
      if (pos >= end || load<u8>(pos) != 0x5b) return KIND_SLOW;
      pos++;
      if (pos < end && load<u8>(pos) == 0x5d) pos++;
      else {
        let first = true;
        for (;;) {
          if (!str(end) || pos >= end) return KIND_SLOW;
          if (first) {
            // The first argument: a package-name hook's tells whether the app read its own package.
            store<u32>(rowArg0 + r4, <u32>strStart);
            store<u32>(rowArg0Len + r4, strLen);
            flags |= F_ARG0;
            first = false;
          }
          const c = load<u8>(pos++);
          if (c == 0x5d) break;
          if (c != 0x2c) return KIND_SLOW;
        }
      }
      flags |= F_ARGS;
    } else {
      // hook, cat, perm, out, exc: kept, so interned
      if (!str(end)) return KIND_SLOW;
      if (key == K_HOOK && strLen == 0) return KIND_SLOW;
      const id = intern(strStart, strLen);
      if (id < 0) return KIND_SLOW;
      if (key == K_HOOK) store<i32>(rowHook + r4, id);
      else if (key == K_CAT) store<i32>(rowCat + r4, id);
      else if (key == K_OUT) store<i32>(rowOut + r4, id);
      else if (key == K_PERM) perm = id;
      else exc = id;
    }
    if (pos >= end) return KIND_SLOW;
    const c = load<u8>(pos);
    if (c == 0x7d) {
      pos++;
      if (pos < end && load<u8>(pos) == 0x0a) lineEnd = pos;
      else if (pos + 1 < end && load<u8>(pos) == 0x0d && load<u8>(pos + 1) == 0x0a) lineEnd = pos + 1;
      else return KIND_SLOW;
      break;
    }
    if (c != 0x2c) return KIND_SLOW;
    pos++;
  }
  if ((seen & REQUIRED) != REQUIRED) return KIND_SLOW;
  store<i32>(rowPerm + r4, perm);
  store<i32>(rowExc + r4, exc);
  store<u8>(rowFlags + r, flags);
  return KIND_EVENT;
}

let consumedBytes: u32 = 0;

/** Bytes of buf taken by the last scan: the start of the first line it did not take. */
export function consumed(): u32 {
  return consumedBytes;
}

/**
 * Reads the complete lines of buf[from, len) into rows, at most init's `rows`; returns how many.
 * A row's start and len locate its line in buf (without \r\n), for the SLOW ones.
 */
export function scan(buf: usize, from: u32, len: u32): u32 {
  let r: u32 = 0;
  let p: usize = buf + from;
  const end = buf + len;
  while (r < maxRows) {
    let kind = line(r, p, end);
    let nl = lineEnd;
    if (kind != KIND_EVENT) {
      nl = p;
      while (nl < end && load<u8>(nl) != 0x0a) nl++;
      if (nl >= end) break; // no complete line left
    }
    let e = nl;
    if (e > p && load<u8>(e - 1) == 0x0d) e--;
    if (e == p) kind = KIND_BLANK;
    store<u8>(rowKind + r, kind);
    store<u32>(rowStart + (<usize>r << 2), <u32>(p - buf));
    store<u32>(rowLen + (<usize>r << 2), <u32>(e - p));
    r++;
    p = nl + 1;
  }
  consumedBytes = <u32>(p - buf);
  return r;
}
