/**
 * The device values bench:frida's egress phase teaches the agent (AgentConfig.knownValues, as
 * `permtrace run` supplies a device's): 20, about what one phone yields — two IMEIs, MEID, IMSI,
 * ICCID, serial, phone number, the Android ID, the four advertising/anonymous IDs, Wi-Fi and
 * Bluetooth MACs, SSID, BSSID, and four positions. Made up; none occurs in the benchmark's requests.
 */
import { IdMatcher, type IdKind } from "../../agent/engine/id-matcher.js";

export const KNOWN_VALUES: readonly { readonly kind: IdKind; readonly value: string }[] = [
  { kind: "android_id", value: "3f9a0c4e7b21d865" },
  { kind: "imei", value: "356938035643809" },
  { kind: "imei", value: "356938035643817" },
  { kind: "meid", value: "A1000049B3C5D7" },
  { kind: "imsi", value: "460011234567890" },
  { kind: "iccid", value: "89860117851234567890" },
  { kind: "serial", value: "R58M3A9K2XZ" },
  { kind: "phone_number", value: "+8613812345678" },
  { kind: "oaid", value: "f3c9a1d2-7b4e-4c8a-9e21-5d6f0a3b7c19" },
  { kind: "vaid", value: "a7e41b9c2d3f5e60" },
  { kind: "aaid", value: "0c8e2f4a-1b3d-4e5f-8a9b-7c6d5e4f3a2b" },
  { kind: "gaid", value: "38400000-8cf0-11bd-b23e-10b96e40000d" },
  { kind: "mac", value: "a4:50:46:1c:9e:7b" },
  { kind: "mac", value: "a4:50:46:1c:9e:7c" },
  { kind: "ssid", value: "\"Office-5G-7f3a\"" },
  { kind: "bssid", value: "c8:3a:35:0b:12:e4" },
  { kind: "location", value: "39.9087243,116.3974722" },
  { kind: "location", value: "31.2304167,121.4737021" },
  { kind: "location", value: "22.5428806,114.0595263" },
  { kind: "location", value: "30.5723000,104.0665000" },
];

/** The values the matcher learns, and its pattern count; a value it refuses is an error here, not a smaller benchmark. */
export function checkedKnownValues(): { values: typeof KNOWN_VALUES; patterns: number } {
  const m = new IdMatcher();
  for (const k of KNOWN_VALUES) {
    const r = m.learn(k.kind, k.value);
    if (!r.learned) throw new Error(`bench:frida: the matcher refuses the ${k.kind} value of scripts/bench-frida/known-values.ts: ${r.reason}`);
  }
  m.scan("", "body");
  return { values: KNOWN_VALUES, patterns: m.stats().patterns };
}
