/**
 * Camera and microphone: opening a camera, starting an audio capture, speech recognition.
 * These are capabilities rather than data reads: what is recorded is that capture started, and
 * by whom; nothing captured is summarised.
 */
import type { HookEntry } from "./types.js";

const CAMERA = "android.permission.CAMERA";
const MIC = "android.permission.RECORD_AUDIO";
const MR = "android.media.MediaRecorder";
const AR = "android.media.AudioRecord";

export const CAMERA_MIC: readonly HookEntry[] = [
  { id: "camera.Camera.open", className: "android.hardware.Camera", method: "open", overloads: "all", permission: CAMERA, category: "camera", args: ["raw"], ret: "type" },
  { id: "camera.CameraManager.openCamera", className: "android.hardware.camera2.CameraManager", method: "openCamera", overloads: "all", permission: CAMERA, category: "camera", args: ["raw"] },
  // A MediaRecorder with a video source films through the camera.
  { id: "camera.MediaRecorder.setVideoSource", className: MR, method: "setVideoSource", overloads: "all", permission: CAMERA, category: "camera", args: ["raw"] },

  // AudioRecord: the public constructor only. AudioRecord.Builder.build() goes through hidden
  // constructors, hooked through build() instead, so one recorder is recorded once.
  { id: "mic.AudioRecord.$init", className: AR, method: "$init", overloads: [["int", "int", "int", "int", "int"]], permission: MIC, category: "microphone", args: ["raw", "raw", "raw", "raw", "raw"] },
  { id: "mic.Builder.build", className: "android.media.AudioRecord$Builder", method: "build", overloads: "all", minApi: 23, permission: MIC, category: "microphone", ret: "type" },
  { id: "mic.AudioRecord.startRecording", className: AR, method: "startRecording", overloads: "all", permission: MIC, category: "microphone" },
  { id: "mic.MediaRecorder.setAudioSource", className: MR, method: "setAudioSource", overloads: "all", permission: MIC, category: "microphone", args: ["raw"] },
  // start() begins the capture set up before: audio, video or both. It is recorded as microphone,
  // the sensitive case; setVideoSource/setAudioSource above tell which sources were set.
  { id: "mic.MediaRecorder.start", className: MR, method: "start", overloads: "all", permission: MIC, category: "microphone" },
  { id: "mic.SpeechRecognizer.startListening", className: "android.speech.SpeechRecognizer", method: "startListening", overloads: "all", permission: MIC, category: "microphone", args: ["intent"] },
  // Hotword detection of the voice assistant (a VoiceInteractionService) listens continuously.
  { id: "mic.AlwaysOnHotwordDetector.startRecognition", className: "android.service.voice.AlwaysOnHotwordDetector", method: "startRecognition", overloads: "all", permission: MIC, category: "microphone", args: ["raw"] },
];
