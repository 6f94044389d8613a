/**
 * The 39 common app types of China's 2021 provisions on the scope of necessary personal
 * information (常见类型移动互联网应用程序必要个人信息范围规定, issued 2021-03-12 by the CAC,
 * MIIT, MPS and SAMR; effective 2021-05-01), in the order of Article 5.
 *
 * `necessaryInfo` summarises, in English, what the provisions list as necessary for each type's
 * basic function service; "none" where the provisions say the basic function needs no personal
 * information (13 types). The summaries are paraphrases, not the legal text.
 *
 * `observableNecessary` maps that necessary information to OUR device-observable categories
 * (`../trace/categories.ts`). Most necessary information is *user-provided*: a registered mobile
 * number the user types in (and confirms by SMS code), names, ID document numbers, delivery
 * addresses, payment details, résumés, an in-app contact list. None of it is the same thing as
 * reading `phone_number` from the SIM, reading the device's `contacts`, or reading `accounts`,
 * so those types get []. Only where the necessary information is genuinely read from the device
 * — the current location of map navigation, ride-hailing and shared-vehicle users — does a
 * category appear. Capabilities (camera, microphone) are never listed: the provisions do not list
 * them, and whether they are needed depends on the feature the user invokes.
 */
import type { Category } from "../trace/categories.js";

export interface AppType {
  /** snake_case English identifier, e.g. `map_navigation`. */
  readonly id: string;
  /** Position in Article 5 of the provisions, 1–39. */
  readonly number: number;
  /** Chinese name of the type, without the trailing 类 ("地图导航" for 地图导航类). */
  readonly nameZh: string;
  readonly name: string;
  /** Short English summary of the basic function service the provisions define. */
  readonly basicFunction: string;
  /** English summary of the necessary personal information, or "none". */
  readonly necessaryInfo: string;
  /** Device-observable categories the necessary information implies (mostly none). */
  readonly observableNecessary: readonly Category[];
  readonly note?: string;
}

export const APP_TYPES_SOURCE = {
  title: "Provisions on the Scope of Necessary Personal Information for Common Types of Mobile Internet Applications",
  titleZh: "常见类型移动互联网应用程序必要个人信息范围规定",
  effective: "2021-05-01",
} as const;

const NONE = "none";
const PHONE = "registered user's mobile phone number";
const PAYMENT = "payment information (time, amount, channel)";

type Row = readonly [
  id: string,
  nameZh: string,
  name: string,
  basicFunction: string,
  necessaryInfo: string,
  observableNecessary: readonly Category[],
  note?: string,
];

// In the order of Article 5 of the provisions: the row index + 1 is the type's number.
const ROWS: readonly Row[] = [
  ["map_navigation", "地图导航", "Map navigation", "Positioning and navigation",
    "location information, departure point, destination", ["location"]],
  ["ride_hailing", "网络约车", "Ride-hailing",
    "Online booking of ride-hailing cars and dispatch of street taxis",
    `${PHONE}; passenger's departure point, destination, location information and itinerary track; ${PAYMENT} (ride-hailing bookings)`,
    ["location"]],
  ["instant_messaging", "即时通信", "Instant messaging",
    "Instant messaging by text, pictures, voice and video",
    `${PHONE}; account information: the account and its list of instant-messaging contacts' accounts`, [],
    "The contact list meant is the in-app list of IM accounts, not the device address book: `contacts` is not necessary."],
  ["online_community", "网络社区", "Online community",
    "Topic discussion, information sharing and following/interaction in blogs, forums and communities", PHONE, []],
  ["online_payment", "网络支付", "Online payment", "Online payment, withdrawal and transfers",
    `${PHONE}; registered user's name, ID document type, number and validity period, bank card number`, []],
  ["online_shopping", "网上购物", "Online shopping", "Buying goods",
    `${PHONE}; consignee's name, address and contact phone; ${PAYMENT}`, [],
    "The delivery address is typed or picked by the user; it does not make device location necessary."],
  ["food_delivery", "餐饮外卖", "Food delivery", "Buying and delivering meals",
    `${PHONE}; consignee's name, address and contact phone; ${PAYMENT}`, [],
    "The delivery address is user-provided; device location is not listed."],
  ["postal_courier", "邮件快件寄递", "Postal and courier delivery",
    "Delivery of letters, parcels, printed matter and other items",
    "sender's name, ID document type and number; sender's address and phone; recipient's name, address and phone; name, nature and quantity of the items",
    []],
  ["transport_ticketing", "交通票务", "Transport ticketing",
    "Transport ticketing and trip management (buying, changing and refunding tickets, managing trips)",
    `${PHONE}; passenger's name, ID document type and number, passenger type; departure, destination, time, train/ship/flight number, seat class and seat; plate number and colour (ETC); ${PAYMENT}`,
    [], "Departure and destination are chosen by the user, not read from the device."],
  ["dating_matchmaking", "婚恋相亲", "Dating and matchmaking", "Dating and matchmaking",
    `${PHONE}; gender, age and marital status of the person seeking a match`, []],
  ["job_recruitment", "求职招聘", "Job seeking and recruitment", "Exchange of job-seeking and recruitment information",
    `${PHONE}; the job seeker's résumé`, []],
  ["online_lending", "网络借贷", "Online lending",
    "Personal loan applications through an online platform, for consumption or day-to-day business turnover",
    `${PHONE}; borrower's name, ID document type, number and validity period, bank card number`, []],
  ["housing_rental_sale", "房屋租售", "Housing rental and sale",
    "Publishing personal housing listings; renting or selling housing",
    `${PHONE}; basic listing information: address, area/layout, expected price or rent`, []],
  ["used_car_trading", "二手车交易", "Used-car trading", "Information services for buying and selling used cars",
    `${PHONE}; buyer's name, ID document type and number; seller's name, ID document type and number, vehicle licence number and vehicle identification number`,
    []],
  ["medical_consultation", "问诊挂号", "Online consultation and hospital appointments",
    "Online medical consultation and appointment registration",
    `${PHONE}; for appointments, patient's name, ID document type and number, hospital and department; for consultations, a description of the condition`,
    []],
  ["travel_services", "旅游服务", "Travel services", "Publishing and ordering travel service products",
    `${PHONE}; traveller's destination and travel dates; traveller's name, ID document type and number, contact details`, []],
  ["hotel_services", "酒店服务", "Hotel services", "Hotel booking",
    `${PHONE}; guest's name and contact details, check-in and check-out times, hotel name`, []],
  ["online_games", "网络游戏", "Online games", "Online game products and services", PHONE, []],
  ["education", "学习教育", "Learning and education", "Online tutoring, online classes and the like", PHONE, []],
  ["local_life", "本地生活", "Local life services",
    "Everyday services such as housekeeping and repairs, home decoration, second-hand goods trading", NONE, []],
  ["womens_health", "女性健康", "Women's health",
    "Health management such as menstrual-cycle tracking, pregnancy preparation and parenting, beauty and body care", NONE, []],
  ["car_services", "用车服务", "Vehicle use services",
    "Self-service vehicle use such as bike sharing, car sharing and car rental",
    `${PHONE}; for car sharing/rental, the user's ID document and driving licence details; ${PAYMENT}; the location of users of shared bikes and time-share cars`,
    ["location"],
    "Item list given from memory of the text and kept general; verify against the official text. Location is kept because the provisions list the user's location for shared bikes/time-share cars."],
  ["investment_finance", "投资理财", "Investment and wealth management",
    "Investment services in stocks, futures, funds, bonds and the like",
    `${PHONE}; investor's name, ID document type, number, validity period and a copy of the document; investor's fund account, bank card number or payment account`,
    []],
  ["mobile_banking", "手机银行", "Mobile banking",
    "Bank account management, enquiries, transfers and remittances on a mobile device",
    `${PHONE}; user's name, ID document type, number, validity period and copy, bank card number, the mobile number registered with the bank; for transfers, the payee's name, card number and bank`,
    [], "The bank-registered mobile number is checked against what the user enters (SMS code), not read from the SIM."],
  ["mail_cloud_storage", "邮箱云盘", "Email and cloud storage", "Email, cloud storage and the like", PHONE, []],
  ["remote_meetings", "远程会议", "Remote meetings", "Audio/video meetings over the network and their management", PHONE, [],
    "Basic function summarised in general terms. Camera and microphone are capabilities used by the meeting feature, not necessary information."],
  ["live_streaming", "网络直播", "Live streaming",
    "Continuous real-time video, audio, picture and text content for the public to watch", NONE, []],
  ["online_audio_video", "在线影音", "Online audio and video", "Searching and playing films, TV and music", NONE, []],
  ["short_video", "短视频", "Short video", "Searching and playing videos under a certain length", NONE, []],
  ["news", "新闻资讯", "News and information", "Browsing and searching news", NONE, []],
  ["sports_fitness", "运动健身", "Sports and fitness", "Sports and fitness training", NONE, []],
  ["browser", "浏览器", "Browser", "Browsing information resources on the Internet", NONE, []],
  ["input_method", "输入法", "Input method", "Input of text, symbols and the like", NONE, []],
  ["security_management", "安全管理", "Security management",
    "Virus scanning and removal, cleaning malicious plug-ins, patching vulnerabilities and the like", NONE, []],
  ["ebooks", "电子图书", "E-books", "Searching and reading e-books", NONE, []],
  ["photo_beautification", "拍摄美化", "Photography and beautification", "Taking photos, beautification, filters and the like", NONE, []],
  ["app_store", "应用商店", "App store", "Searching for, downloading and managing mobile apps", PHONE, [],
    "Basic function and necessary information given from memory and kept general: the provisions count 13 types needing no personal information, and the app store is not among them."],
  ["utilities", "实用工具", "Utilities",
    "Calendar, weather, dictionary/translation, calculator, remote control, flashlight, compass, clock/alarm, file transfer and management, wallpapers/ringtones, screenshots/recording, voice recording, documents, smart-home assistants and similar tools",
    NONE, [],
    "No personal information at all, so a weather or compass tool does not need device location (the user can choose a city)."],
  ["performance_ticketing", "演出票务", "Performance ticketing", "Buying tickets for performances",
    `${PHONE}; the performance session and seat number (if any); ${PAYMENT}`, []],
];

function build(): readonly AppType[] {
  return Object.freeze(
    ROWS.map(([id, nameZh, name, basicFunction, necessaryInfo, observable, note], i): AppType =>
      Object.freeze({
        id,
        number: i + 1,
        nameZh,
        name,
        basicFunction,
        necessaryInfo,
        observableNecessary: Object.freeze([...observable]),
        ...(note !== undefined ? { note } : {}),
      }),
    ),
  );
}

/** The 39 app types, in the order of the provisions. */
export const APP_TYPES: readonly AppType[] = build();

const byKey: ReadonlyMap<string, AppType> = (() => {
  const m = new Map<string, AppType>();
  for (const t of APP_TYPES) {
    m.set(t.id, t);
    m.set(t.nameZh, t);
    m.set(`${t.nameZh}类`, t);
    m.set(t.name.toLowerCase(), t);
  }
  return m;
})();

/**
 * Look an app type up by id (`map_navigation`), number (1, or "1"), Chinese name
 * (`地图导航` or `地图导航类`) or English name (case-insensitive).
 */
export function appType(idOrNumberOrZhName: string | number): AppType | undefined {
  if (typeof idOrNumberOrZhName === "number") {
    return Number.isInteger(idOrNumberOrZhName) ? APP_TYPES[idOrNumberOrZhName - 1] : undefined;
  }
  const key = idOrNumberOrZhName.trim();
  if (/^\d+$/.test(key)) return appType(Number(key));
  return byKey.get(key) ?? byKey.get(key.toLowerCase());
}
