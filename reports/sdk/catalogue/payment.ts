/**
 * Payment, in-app purchase and subscription SDKs. WeChat Pay ships inside the
 * WeChat Open SDK (see `social-login.ts`); Alipay's device-fingerprint module
 * is a risk-control entry (see `risk-control.ts`).
 */
import type { SdkEntry } from "../types.js";

export const PAYMENT_SDKS: readonly SdkEntry[] = [
  // ── China ───────────────────────────────────────────────────────────────
  { id: "alipay", name: "Alipay SDK (支付宝)", vendor: "Ant Group", kind: "payment",
    prefixes: ["com.alipay.sdk", "com.alipay.android.app"], aliases: ["支付宝", "支付宝支付", "支付宝SDK", "Alipay", "蚂蚁金服"], ref: "https://opendocs.alipay.com" },
  { id: "unionpay", name: "UnionPay payment control (银联)", vendor: "China UnionPay", kind: "payment",
    prefixes: ["com.unionpay"], aliases: ["银联", "银联支付", "云闪付", "UnionPay", "中国银联"], ref: "https://open.unionpay.com" },
  { id: "xiaomi-game-sdk", name: "Xiaomi Game Center SDK (小米游戏联运)", vendor: "Xiaomi", kind: "payment",
    prefixes: ["com.xiaomi.gamecenter.sdk"], aliases: ["小米游戏SDK", "小米联运"], ref: "https://dev.mi.com" },
  { id: "vivo-union-sdk", name: "vivo Union SDK (vivo联运)", vendor: "vivo", kind: "payment",
    prefixes: ["com.vivo.unionsdk"], aliases: ["vivo联运SDK", "vivo支付"], ref: "https://dev.vivo.com.cn" },
  { id: "oppo-game-sdk", name: "OPPO Game SDK (OPPO联运)", vendor: "OPPO", kind: "payment",
    prefixes: ["com.nearme.game.sdk"], aliases: ["OPPO游戏SDK", "OPPO联运"], ref: "https://open.oppomobile.com" },
  { id: "huawei-iap", name: "Huawei In-App Purchases (华为支付)", vendor: "Huawei", kind: "payment", family: "huawei-hms",
    prefixes: ["com.huawei.hms.iap"], aliases: ["华为应用内支付", "华为IAP", "HUAWEI IAP"], ref: "https://developer.huawei.com/consumer/en/hms/huawei-iap" },
  // ── Global ──────────────────────────────────────────────────────────────
  { id: "google-pay", name: "Google Pay API (Wallet)", vendor: "Google", kind: "payment",
    prefixes: ["com.google.android.gms.wallet"], ref: "https://developers.google.com/pay/api/android" },
  { id: "samsung-iap", name: "Samsung In-App Purchase", vendor: "Samsung", kind: "payment",
    prefixes: ["com.samsung.android.sdk.iap"], ref: "https://developer.samsung.com/iap" },
  { id: "stripe", name: "Stripe Android SDK", vendor: "Stripe", kind: "payment",
    prefixes: ["com.stripe.android"], ref: "https://stripe.com/docs/mobile/android" },
  { id: "paypal", name: "PayPal SDK", vendor: "PayPal", kind: "payment",
    prefixes: ["com.paypal"], ref: "https://developer.paypal.com" },
  { id: "braintree", name: "Braintree", vendor: "PayPal", kind: "payment",
    prefixes: ["com.braintreepayments"], ref: "https://developer.paypal.com/braintree/docs" },
  { id: "adyen", name: "Adyen Checkout", vendor: "Adyen", kind: "payment",
    prefixes: ["com.adyen.checkout"], ref: "https://docs.adyen.com" },
  { id: "klarna", name: "Klarna Mobile SDK", vendor: "Klarna", kind: "payment",
    prefixes: ["com.klarna.mobile"], ref: "https://docs.klarna.com" },
  { id: "razorpay", name: "Razorpay Checkout", vendor: "Razorpay", kind: "payment",
    prefixes: ["com.razorpay"], ref: "https://razorpay.com/docs" },
  { id: "paytm", name: "Paytm All-in-One SDK", vendor: "Paytm", kind: "payment",
    prefixes: ["com.paytm.pgsdk"], ref: "https://developer.paytm.com" },
  { id: "mercadopago", name: "Mercado Pago SDK", vendor: "Mercado Libre", kind: "payment",
    prefixes: ["com.mercadopago"], ref: "https://www.mercadopago.com/developers" },
  { id: "revenuecat", name: "RevenueCat", vendor: "RevenueCat", kind: "payment",
    prefixes: ["com.revenuecat.purchases"], ref: "https://www.revenuecat.com" },
  { id: "adapty", name: "Adapty", vendor: "Adapty", kind: "payment",
    prefixes: ["com.adapty"], ref: "https://adapty.io" },
  { id: "qonversion", name: "Qonversion", vendor: "Qonversion", kind: "payment",
    prefixes: ["com.qonversion.android.sdk"], ref: "https://qonversion.io" },
];
