/**
 * Sensors: motion and environment listeners (accelerometer, gyroscope, step counter, heart
 * rate…), and the sensor list, a common fingerprinting input. Which sensor a listener is for
 * comes from the `sensor-type` classifier (Sensor.getType() of the second argument). The
 * permission depends on the sensor (BODY_SENSORS for heart rate, ACTIVITY_RECOGNITION for the step
 * counter, none for motion), so none is given here.
 */
import type { HookEntry } from "./types.js";

const SM = "android.hardware.SensorManager";

export const SENSORS: readonly HookEntry[] = [
  // All overloads, the deprecated SensorListener ones included (their sensor is an int mask).
  { id: "sensors.SensorManager.registerListener", className: SM, method: "registerListener", overloads: "all", category: "sensors", classify: "sensor-type", args: ["omit", "omit", "raw"], ret: "raw" },
  // Trigger sensors (significant motion) fire once.
  { id: "sensors.SensorManager.requestTriggerSensor", className: SM, method: "requestTriggerSensor", overloads: "all", category: "sensors", classify: "sensor-type", ret: "raw" },
  { id: "sensors.SensorManager.getSensorList", className: SM, method: "getSensorList", overloads: "all", category: "sensors", args: ["raw"], ret: "len" },
  { id: "sensors.SensorManager.getDynamicSensorList", className: SM, method: "getDynamicSensorList", overloads: "all", minApi: 24, category: "sensors", args: ["raw"], ret: "len" },
];
