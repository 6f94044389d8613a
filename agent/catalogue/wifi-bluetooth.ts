/**
 * Wi-Fi and Bluetooth beyond scans and identifiers: the current connection, saved networks, peers
 * found by Wi-Fi Direct and Wi-Fi Aware, Bluetooth discovery, LE scans and bonded devices.
 *
 * Wi-Fi scan results are in location.ts (they locate the device), the Wi-Fi and Bluetooth MAC
 * addresses and names in device-ids.ts. Permissions are the current guards: NEARBY_WIFI_DEVICES
 * (API 33) for Wi-Fi Direct and Aware peers, BLUETOOTH_SCAN/BLUETOOTH_CONNECT (API 31) for
 * Bluetooth, which replaced location (peers) and BLUETOOTH/BLUETOOTH_ADMIN.
 */
import type { HookEntry } from "./types.js";

const WM = "android.net.wifi.WifiManager";
const P2P = "android.net.wifi.p2p.WifiP2pManager";
const BA = "android.bluetooth.BluetoothAdapter";
const LE = "android.bluetooth.le.BluetoothLeScanner";
const WIFI_STATE = "android.permission.ACCESS_WIFI_STATE";
const FINE = "android.permission.ACCESS_FINE_LOCATION";
const NEARBY_WIFI = "android.permission.NEARBY_WIFI_DEVICES";
const SCAN = "android.permission.BLUETOOTH_SCAN";
const CONNECT = "android.permission.BLUETOOTH_CONNECT";

export const WIFI_BLUETOOTH: readonly HookEntry[] = [
  // The current connection (a WifiInfo: SSID, BSSID, MAC, IP) and DHCP lease.
  { id: "wifi.WifiManager.getConnectionInfo", className: WM, method: "getConnectionInfo", overloads: "all", permission: WIFI_STATE, category: "network_identifiers", ret: "type" },
  { id: "wifi.WifiManager.getDhcpInfo", className: WM, method: "getDhcpInfo", overloads: "all", permission: WIFI_STATE, category: "network_identifiers", ret: "type" },
  // Saved networks: where the user has been. Location permission as well from API 29.
  { id: "wifi.WifiManager.getConfiguredNetworks", className: WM, method: "getConfiguredNetworks", overloads: "all", permission: FINE, category: "network_identifiers", ret: "len" },
  { id: "wifi.WifiManager.getCallerConfiguredNetworks", className: WM, method: "getCallerConfiguredNetworks", overloads: "all", minApi: 31, permission: FINE, category: "network_identifiers", ret: "len" },
  { id: "wifi.WifiManager.getNetworkSuggestions", className: WM, method: "getNetworkSuggestions", overloads: "all", minApi: 30, permission: WIFI_STATE, category: "network_identifiers", ret: "len" },
  { id: "wifi.WifiManager.addSuggestionConnectionStatusListener", className: WM, method: "addSuggestionConnectionStatusListener", overloads: "all", minApi: 30, permission: FINE, category: "network_identifiers" },

  // Wi-Fi Direct (P2P): discovering and listing peers nearby; this device's own P2P info.
  { id: "wifi.WifiP2pManager.discoverPeers", className: P2P, method: "discoverPeers", overloads: "all", permission: NEARBY_WIFI, category: "wifi_scan" },
  { id: "wifi.WifiP2pManager.discoverServices", className: P2P, method: "discoverServices", overloads: "all", permission: NEARBY_WIFI, category: "wifi_scan" },
  { id: "wifi.WifiP2pManager.requestPeers", className: P2P, method: "requestPeers", overloads: "all", permission: NEARBY_WIFI, category: "wifi_scan" },
  { id: "wifi.WifiP2pManager.requestGroupInfo", className: P2P, method: "requestGroupInfo", overloads: "all", permission: NEARBY_WIFI, category: "wifi_scan" },
  { id: "wifi.WifiP2pManager.requestDeviceInfo", className: P2P, method: "requestDeviceInfo", overloads: "all", minApi: 29, permission: NEARBY_WIFI, category: "network_identifiers" },
  { id: "wifi.WifiP2pManager.discoverPeersOnSocialChannels", className: P2P, method: "discoverPeersOnSocialChannels", overloads: "all", minApi: 33, permission: NEARBY_WIFI, category: "wifi_scan" },
  { id: "wifi.WifiP2pManager.discoverPeersOnSpecificFrequency", className: P2P, method: "discoverPeersOnSpecificFrequency", overloads: "all", minApi: 33, permission: NEARBY_WIFI, category: "wifi_scan", args: ["omit", "raw"] },
  { id: "wifi.WifiP2pManager.startPeerDiscovery", className: P2P, method: "startPeerDiscovery", overloads: "all", minApi: 35, permission: NEARBY_WIFI, category: "wifi_scan" },
  // Unsynchronized service discovery (API 36), and this device's Device Identity Resolution
  // info (API 36: its MAC address with a nonce and tag, which lets peers recognise it).
  { id: "wifi.WifiP2pManager.discoverUsdBasedServices", className: P2P, method: "discoverUsdBasedServices", overloads: "all", minApi: 36, permission: NEARBY_WIFI, category: "wifi_scan" },
  { id: "wifi.WifiP2pManager.requestDirInfo", className: P2P, method: "requestDirInfo", overloads: "all", minApi: 36, permission: NEARBY_WIFI, category: "network_identifiers" },
  // Channel use around the device from the last scans (API 34): how busy each channel is.
  { id: "wifi.WifiManager.getChannelData", className: WM, method: "getChannelData", overloads: "all", minApi: 34, permission: NEARBY_WIFI, category: "wifi_scan" },
  // Wi-Fi Aware (NAN): attaching and subscribing discover devices nearby.
  { id: "wifi.WifiAwareManager.attach", className: "android.net.wifi.aware.WifiAwareManager", method: "attach", overloads: "all", minApi: 26, permission: NEARBY_WIFI, category: "wifi_scan" },
  { id: "wifi.WifiAwareSession.subscribe", className: "android.net.wifi.aware.WifiAwareSession", method: "subscribe", overloads: "all", minApi: 26, permission: NEARBY_WIFI, category: "wifi_scan" },

  // Bluetooth: bonded (paired) devices, classic discovery and LE scans, the scan state.
  { id: "bluetooth.BluetoothAdapter.getBondedDevices", className: BA, method: "getBondedDevices", overloads: "all", permission: CONNECT, category: "bluetooth", ret: "len" },
  { id: "bluetooth.BluetoothAdapter.startDiscovery", className: BA, method: "startDiscovery", overloads: "all", permission: SCAN, category: "bluetooth", ret: "raw" },
  { id: "bluetooth.BluetoothAdapter.isDiscovering", className: BA, method: "isDiscovering", overloads: "all", permission: SCAN, category: "bluetooth", ret: "raw" },
  { id: "bluetooth.BluetoothAdapter.getScanMode", className: BA, method: "getScanMode", overloads: "all", permission: SCAN, category: "bluetooth", ret: "raw" },
  { id: "bluetooth.BluetoothAdapter.getDiscoverableTimeout", className: BA, method: "getDiscoverableTimeout", overloads: "all", minApi: 33, permission: SCAN, category: "bluetooth", ret: "raw" },
  { id: "bluetooth.BluetoothAdapter.startLeScan", className: BA, method: "startLeScan", overloads: "all", permission: SCAN, category: "bluetooth", ret: "raw" },
  { id: "bluetooth.BluetoothLeScanner.startScan", className: LE, method: "startScan", overloads: "all", permission: SCAN, category: "bluetooth" },
  { id: "bluetooth.BluetoothLeScanner.flushPendingScanResults", className: LE, method: "flushPendingScanResults", overloads: "all", permission: SCAN, category: "bluetooth" },
  // Remote devices' names (often their owners').
  // A paired or nearby device's hardware address: a stable identifier of the device and, through
  // it, of its owner. No permission for the getter itself: the device objects come from the
  // scans and bonded lists above.
  // BluetoothDevice.equals()/hashCode() call getAddress() (AOSP: `@RequiresNoPermission getAddress()
  // { return mAddress; }`): every collection lookup of a device would read as a read of the address.
  { id: "bluetooth.BluetoothDevice.getAddress", className: "android.bluetooth.BluetoothDevice", method: "getAddress", overloads: "all", skipCallers: ["android.bluetooth.", "android.companion."], category: "bluetooth", ret: "hash" },
  // A bonded LE device's identity address behind its rotating random one (API 36).
  { id: "bluetooth.BluetoothDevice.getIdentityAddressWithType", className: "android.bluetooth.BluetoothDevice", method: "getIdentityAddressWithType", overloads: "all", minApi: 36, permission: CONNECT, category: "bluetooth", ret: "type" },
  { id: "bluetooth.BluetoothDevice.getName", className: "android.bluetooth.BluetoothDevice", method: "getName", overloads: "all", permission: CONNECT, category: "bluetooth", ret: "hash" },
  { id: "bluetooth.BluetoothDevice.getAlias", className: "android.bluetooth.BluetoothDevice", method: "getAlias", overloads: "all", minApi: 30, permission: CONNECT, category: "bluetooth", ret: "hash" },
];
