/**
 * Transparent libraries (kind `library`): general-purpose code compiled into the app that collects
 * nothing for itself — language runtimes shipped in the APK, reactive and coroutine plumbing, HTTP
 * clients, JSON and serialisation, dependency injection, routers and event buses, image loaders,
 * storage, utility kits. Attribution walks past their frames as it walks past the platform's: a
 * call a utility makes is its caller's call (docs/attribution.md). They are not in
 * SDK_CATALOGUE (they are never a responsible party), but `permtrace sdks` lists them and an
 * app's SDK list may name them.
 *
 * A library that does collect for itself (an analytics kit bundled with a utility library) is an
 * SDK, not an entry here. Two entries never share a prefix, here or with SDK_CATALOGUE.
 */
import type { SdkEntry } from "../types.js";

const lib = (id: string, name: string, vendor: string, prefixes: readonly string[], ref: string, aliases?: readonly string[]): SdkEntry => ({
  id,
  name,
  vendor,
  kind: "library",
  prefixes,
  ref,
  ...(aliases ? { aliases } : {}),
});

export const LIBRARIES: readonly SdkEntry[] = [
  // Language runtimes and their plumbing, shipped inside the APK.
  lib("kotlin-stdlib", "Kotlin standard library", "JetBrains", ["kotlin", "org.jetbrains"], "https://kotlinlang.org/api/core/kotlin-stdlib/"),
  lib("kotlinx-coroutines", "Kotlin coroutines and kotlinx libraries", "JetBrains", ["kotlinx"], "https://github.com/Kotlin/kotlinx.coroutines"),
  lib("rxjava", "RxJava / RxAndroid", "ReactiveX", ["io.reactivex", "rx"], "https://github.com/ReactiveX/RxJava", ["RxJava", "RxAndroid"]),
  lib("rx-bindings", "RxBinding, RxLifecycle, AutoDispose", "community", ["com.jakewharton.rxbinding", "com.jakewharton.rxbinding2", "com.jakewharton.rxbinding3", "com.trello.rxlifecycle", "com.uber.autodispose"], "https://github.com/JakeWharton/RxBinding"),
  // HTTP clients: they send what their caller gives them.
  lib("okhttp", "OkHttp / Okio", "Square", ["okhttp3", "okio", "com.squareup.okhttp"], "https://square.github.io/okhttp/", ["OkHttp", "OkHttp3"]),
  lib("retrofit", "Retrofit", "Square", ["retrofit2"], "https://square.github.io/retrofit/", ["Retrofit"]),
  lib("okgo", "OkGo", "jeasonlzy", ["com.lzy.okgo"], "https://github.com/jeasonlzy/okhttp-OkGo", ["OkGo"]),
  lib("android-async-http", "Android Asynchronous Http Client", "loopj", ["com.loopj.android.http"], "https://github.com/android-async-http/android-async-http"),
  lib("ktor-client", "Ktor client", "JetBrains", ["io.ktor"], "https://ktor.io"),
  lib("apache-httpclient", "Apache HttpClient / Commons", "Apache", ["org.apache.http", "org.apache.commons"], "https://hc.apache.org", ["Apache HttpClient"]),
  // JSON, serialisation, reflection helpers.
  lib("gson", "Gson", "Google", ["com.google.gson"], "https://github.com/google/gson", ["Gson"]),
  lib("moshi", "Moshi", "Square", ["com.squareup.moshi"], "https://github.com/square/moshi"),
  lib("jackson", "Jackson", "FasterXML", ["com.fasterxml.jackson"], "https://github.com/FasterXML/jackson"),
  lib("fastjson", "fastjson", "Alibaba", ["com.alibaba.fastjson", "com.alibaba.fastjson2"], "https://github.com/alibaba/fastjson2", ["fastjson"]),
  lib("protobuf", "Protocol Buffers runtime", "Google", ["com.google.protobuf"], "https://protobuf.dev"),
  lib("joor", "jOOR reflection", "jOOQ", ["org.joor"], "https://github.com/jOOQ/jOOR"),
  lib("guava", "Guava", "Google", ["com.google.common"], "https://github.com/google/guava", ["Guava"]),
  // Utility kits: their device helpers run for whoever calls them.
  lib("androidutilcode", "AndroidUtilCode (Blankj)", "Blankj", ["com.blankj.utilcode"], "https://github.com/Blankj/AndroidUtilCode", ["AndroidUtilCode", "UtilCode", "Blankj"]),
  lib("hutool", "Hutool", "dromara", ["cn.hutool"], "https://hutool.cn"),
  lib("xutils", "xUtils3", "wyouflf", ["org.xutils"], "https://github.com/wyouflf/xUtils3"),
  // Dependency injection, routers, event buses: they dispatch to the app's own code.
  lib("dagger", "Dagger / Hilt", "Google", ["dagger"], "https://dagger.dev", ["Dagger", "Hilt"]),
  lib("arouter", "ARouter", "Alibaba", ["com.alibaba.android.arouter"], "https://github.com/alibaba/ARouter", ["ARouter"]),
  lib("therouter", "TheRouter", "HUOLALA", ["com.therouter"], "https://github.com/HuolalaTech/hll-wp-therouter-android"),
  lib("wmrouter", "WMRouter", "Meituan", ["com.sankuai.waimai.router"], "https://github.com/meituan/WMRouter"),
  lib("eventbus", "EventBus / greenDAO", "greenrobot", ["org.greenrobot.eventbus", "org.greenrobot.greendao"], "https://greenrobot.org", ["EventBus"]),
  lib("otto", "Otto", "Square", ["com.squareup.otto"], "https://github.com/square/otto"),
  lib("liveeventbus", "LiveEventBus", "JeremyLiao", ["com.jeremyliao.liveeventbus"], "https://github.com/JeremyLiao/LiveEventBus"),
  // UI, image loading, storage.
  lib("material-components", "Material Components", "Google", ["com.google.android.material"], "https://m3.material.io/develop/android"),
  lib("play-services-plumbing", "Play services task and client plumbing", "Google", ["com.google.android.gms.tasks", "com.google.android.gms.common"], "https://developers.google.com/android/guides/tasks", ["Google Play services", "GMS"]),
  lib("glide", "Glide", "Bumptech", ["com.bumptech.glide"], "https://github.com/bumptech/glide", ["Glide"]),
  lib("picasso", "Picasso", "Square", ["com.squareup.picasso"], "https://square.github.io/picasso/"),
  lib("coil", "Coil", "Coil contributors", ["coil", "coil3"], "https://coil-kt.github.io/coil/"),
  lib("fresco", "Fresco", "Meta", ["com.facebook.imagepipeline", "com.facebook.drawee"], "https://frescolib.org"),
  lib("mmkv", "MMKV", "Tencent", ["com.tencent.mmkv"], "https://github.com/Tencent/MMKV", ["MMKV"]),
  lib("realm", "Realm", "MongoDB", ["io.realm"], "https://github.com/realm/realm-java"),
  lib("sqlcipher", "SQLCipher", "Zetetic", ["net.sqlcipher", "net.zetetic"], "https://www.zetetic.net/sqlcipher/"),
  // Identifier clients: they read the OAID or advertising ID for whoever calls them (an ad SDK, the
  // app); the caller is the party that collects. Ids kept from when they were SDK entries.
  { id: "msa-oaid", name: "MSA OAID SDK (移动安全联盟 补充设备标识)", vendor: "China Academy of Information and Communications Technology (MSA)", kind: "library",
    prefixes: ["com.bun.miitmdid", "com.bun.supplier", "com.bun.lib"],
    aliases: ["移动安全联盟", "MSA", "MSA SDK", "OAID SDK", "移动智能终端补充设备标识", "补充设备标识体系", "MIIT MDID", "统一SDK"], ref: "http://www.msa-alliance.cn" },
  { id: "android-cn-oaid", name: "Android_CN_OAID (OAID helper library)", vendor: "gzu-liyujiang (open source)", kind: "library",
    prefixes: ["com.github.gzuliyujiang.oaid"], aliases: ["Android_CN_OAID", "DeviceIdentifier"], ref: "https://github.com/gzu-liyujiang/Android_CN_OAID" },
  { id: "google-advertising-id", name: "Google Advertising ID (ads-identifier)", vendor: "Google", kind: "library",
    prefixes: ["com.google.android.gms.ads.identifier"], aliases: ["GAID", "AAID", "Google广告ID"], ref: "https://developer.android.com/training/articles/ad-id" },
  { id: "huawei-oaid", name: "Huawei OAID (HMS Ads Identifier)", vendor: "Huawei", kind: "library", family: "huawei-hms",
    prefixes: ["com.huawei.hms.ads.identifier"], aliases: ["华为OAID", "华为广告标识", "HMS Ads Identifier"], ref: "https://developer.huawei.com/consumer/en/doc/development/HMSCore-Guides/identifier-service-obtaining-oaid-sdk-0000001050064988" },
  { id: "honor-oaid", name: "Honor Ads Identifier (荣耀OAID)", vendor: "Honor", kind: "library",
    prefixes: ["com.hihonor.ads.identifier"], aliases: ["荣耀OAID", "荣耀广告标识"], ref: "https://developer.honor.com" },
  { id: "meizu-openid", name: "Meizu Flyme OpenID SDK", vendor: "Meizu", kind: "library",
    prefixes: ["com.meizu.flyme.openidsdk"], aliases: ["魅族OAID", "Flyme OpenID"], ref: "https://open.flyme.cn" },
  // Cross-platform engines and their plugins/modules: the Dart or JavaScript code that calls them is not on the Java stack.
  lib("react-native", "React Native bridge", "Meta", ["com.facebook.react", "com.facebook.jni", "com.facebook.soloader"], "https://reactnative.dev", ["React Native"]),
  // A stack of these alone (a plugin called from Dart or JavaScript) is the app's call: docs/attribution.md.
  lib("flutter-engine", "Flutter engine and plugins", "Google", ["io.flutter"], "https://flutter.dev", ["Flutter"]),
];
