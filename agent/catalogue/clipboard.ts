/**
 * The clipboard: reading it, or watching it change. No permission guards it; from API 29 only
 * the foreground app (or the default input method) gets the content, and from API 31 the system
 * shows a toast when an app reads it. The text itself is never summarised: clips by type,
 * text by length.
 */
import type { HookEntry } from "./types.js";

const CM = "android.content.ClipboardManager";
const REF = "developer.android.com/about/versions/10/privacy/changes#clipboard-data";

export const CLIPBOARD: readonly HookEntry[] = [
  { id: "clipboard.ClipboardManager.getPrimaryClip", className: CM, method: "getPrimaryClip", overloads: "all", category: "clipboard", ret: "type", ref: REF },
  { id: "clipboard.ClipboardManager.getPrimaryClipDescription", className: CM, method: "getPrimaryClipDescription", overloads: "all", category: "clipboard", ret: "type" },
  { id: "clipboard.ClipboardManager.hasPrimaryClip", className: CM, method: "hasPrimaryClip", overloads: "all", category: "clipboard", ret: "raw" },
  // The deprecated text API (android.text.ClipboardManager), overridden here.
  { id: "clipboard.ClipboardManager.getText", className: CM, method: "getText", overloads: "all", category: "clipboard", ret: "len" },
  { id: "clipboard.ClipboardManager.hasText", className: CM, method: "hasText", overloads: "all", category: "clipboard", ret: "raw" },
  { id: "clipboard.ClipboardManager.addPrimaryClipChangedListener", className: CM, method: "addPrimaryClipChangedListener", overloads: "all", category: "clipboard" },
];
