/**
 * The 39 common app types of China's provisions on the scope of necessary personal information
 * (常见类型移动互联网应用程序必要个人信息范围规定), in the order of Article 5, items (一) to (三十九).
 * Issued 2021-03-12 jointly by the Secretariat of the CAC and the General Offices of MIIT, MPS and
 * SAMR (published 2021-03-22); in force 2021-05-01.
 *
 * Checked on 2026-11-22, item by item (number, name, basic function service, necessary personal
 * information), against the text of Article 5 as published by the CAC (`APP_TYPES_SOURCE.url`),
 * using two independent copies of the full text and partial copies of the first items and of the
 * list of the 13 types that need no personal information. The English texts are our own
 * summaries, not translations of the legal text.
 *
 * `necessaryInfo` summarises what Article 5 lists as necessary for each type's basic function
 * service; "none" where it says the basic function can be used without any personal information
 * (13 types: 21 and 27–38).
 *
 * `observableNecessary` maps that necessary information to OUR device-observable categories
 * (`../trace/categories.ts`). Most necessary information is *user-provided*: a registered mobile
 * number the user types in (and confirms by SMS code), names, ID document numbers and copies,
 * delivery addresses, payment details, résumés, an in-app contact list. None of it is the same thing
 * as reading `phone_number` from the SIM, reading the device's `contacts`, reading `accounts` or
 * browsing the media store, so those types get []. Only where the listed information is location
 * information that the service takes from the device — map navigation (1), ride-hailing (2) and
 * shared bikes / time-share car rental (22) — does a category appear. Capabilities (camera,
 * microphone) are never listed: the provisions do not list them, and whether they are needed
 * depends on the feature the user invokes.
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
  /** The article that lists the 39 types. */
  article: 5,
  issued: "2021-03-12",
  effective: "2021-05-01",
  url: "http://www.cac.gov.cn/2021-03/22/c_1617990997054277.htm",
} as const;

const NONE = "none";
const PHONE = "registered user's mobile phone number";
const PAYMENT = "payment details such as the time, amount and channel of payment";

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
    "Booking ride-hailing cars online and calling cruising taxis",
    `${PHONE}; the passenger's departure point, destination, location information and movement track; ${PAYMENT} (ride-hailing bookings only)`,
    ["location"]],
  ["instant_messaging", "即时通信", "Instant messaging",
    "Online instant messaging by text, pictures, voice, video and the like",
    `${PHONE}; account information: the account and its list of instant-messaging contacts' accounts`, [],
    "The contact list meant is the in-app list of IM accounts, not the device address book: `contacts` is not necessary."],
  ["online_community", "网络社区", "Online community",
    "Topic discussion, information sharing, following and interaction in blogs, forums, communities and the like", PHONE, []],
  ["online_payment", "网络支付", "Online payment", "Online payment, withdrawal, transfer and similar functions",
    `${PHONE}; the registered user's name, ID document type and number, document validity period, bank card number`, []],
  ["online_shopping", "网上购物", "Online shopping", "Buying goods",
    `${PHONE}; the consignee's name (or organisation name), address and contact phone; ${PAYMENT}`, [],
    "The delivery address is typed or picked by the user; it does not make device location necessary."],
  ["food_delivery", "餐饮外卖", "Food delivery", "Buying meals and having them delivered",
    `${PHONE}; the consignee's name (or organisation name), address and contact phone; ${PAYMENT}`, [],
    "The delivery address is user-provided; device location is not listed."],
  ["postal_courier", "邮件快件寄递", "Postal and courier delivery",
    "Sending letters, parcels, printed matter and other items",
    "the sender's identity (name, ID document type and number); the sender's address and contact phone; the recipient's name (or organisation name), address and contact phone; the name, nature and quantity of the items sent",
    []],
  ["transport_ticketing", "交通票务", "Transport ticketing",
    "Ticketing and trip management for transport (buying, changing and refunding tickets, managing trips and the like)",
    `${PHONE}; the passenger's name, ID document type and number, and passenger type (child, adult, student and so on); departure point, destination, departure time, train/ship/flight number, seat class or cabin grade, seat number (if any), and plate number and plate colour (ETC services); ${PAYMENT}`,
    [], "Departure and destination are chosen by the user, not read from the device."],
  ["dating_matchmaking", "婚恋相亲", "Dating and matchmaking", "Dating and matchmaking",
    `${PHONE}; gender, age and marital status of the person looking for a partner`, []],
  ["job_recruitment", "求职招聘", "Job seeking and recruitment", "Exchanging job-seeking and recruitment information",
    `${PHONE}; the résumé the job seeker provides`, []],
  ["online_lending", "网络借贷", "Online lending",
    "Personal loan applications through an Internet platform, for consumption, day-to-day business turnover and the like",
    `${PHONE}; the borrower's name, ID document type and number, document validity period, bank card number`, []],
  ["housing_rental_sale", "房屋租售", "Housing rental and sale",
    "Publishing personal housing listings; renting out or selling housing",
    `${PHONE}; basic listing information: the property's address, floor area/layout, asking price or rent`, []],
  ["used_car_trading", "二手车交易", "Used-car trading", "Exchanging information for buying and selling used cars",
    `${PHONE}; the buyer's name, ID document type and number; the seller's name, ID document type and number, vehicle licence number and vehicle identification number`,
    []],
  ["medical_consultation", "问诊挂号", "Online consultation and hospital appointments",
    "Online medical consultation and appointment registration",
    `${PHONE}; for appointments, the patient's name, ID document type and number, and the hospital and department booked; for consultations, a description of the condition`,
    []],
  ["travel_services", "旅游服务", "Travel services", "Publishing and ordering travel service products",
    `${PHONE}; the traveller's destination and travel dates; the traveller's name, ID document type and number, and contact details`, []],
  ["hotel_services", "酒店服务", "Hotel services", "Hotel booking",
    `${PHONE}; the guest's name and contact details, check-in and check-out times, the hotel's name`, []],
  ["online_games", "网络游戏", "Online games", "Providing online game products and services", PHONE, []],
  ["education", "学习教育", "Learning and education", "Online tutoring, online classes and the like", PHONE, []],
  ["local_life", "本地生活", "Local life services",
    "Everyday services such as housekeeping and repairs, home decoration and second-hand goods trading", PHONE, []],
  ["womens_health", "女性健康", "Women's health",
    "Health management such as menstrual-cycle tracking, pregnancy preparation and parenting, beauty and body care", NONE, []],
  ["car_services", "用车服务", "Vehicle use services",
    "Shared bikes, shared cars, rental cars and similar services",
    `${PHONE}; for users of shared or rental cars, the ID document type and number and driving-licence details; ${PAYMENT}; for users of shared bikes or time-share car rental, location information`,
    ["location"],
    "Location is listed only for shared bikes and time-share (分时租赁) car rental, not for conventional car rental; ID and driving-licence details are typed or uploaded by the user."],
  ["investment_finance", "投资理财", "Investment and wealth management",
    "Investment and wealth-management services in stocks, futures, funds, bonds and the like",
    `${PHONE}; the investor's name, ID document type and number, document validity period and a copy of the document; the investor's fund account, bank card number or payment account`,
    [], "The document copy is supplied by the user (photo or picked file); it does not make reading the media store necessary."],
  ["mobile_banking", "手机银行", "Mobile banking",
    "Bank account management, information enquiries, transfers and remittances on a phone or other mobile device",
    `${PHONE}; the user's name, ID document type and number, document validity period, a copy of the document, bank card number and the mobile number registered with the bank; for transfers, the payee's name, bank card number and bank`,
    [], "The bank-registered mobile number is checked against what the user enters (SMS code), not read from the SIM; the document copy is supplied by the user."],
  ["mail_cloud_storage", "邮箱云盘", "Email and cloud storage", "Email, cloud storage and the like", PHONE, []],
  ["remote_meetings", "远程会议", "Remote meetings", "Audio or video meetings over the network", PHONE, [],
    "Camera and microphone are capabilities the meeting feature uses, not listed necessary information."],
  ["live_streaming", "网络直播", "Live streaming",
    "Continuous real-time video, audio, picture and text content offered to the public for viewing", NONE, []],
  ["online_audio_video", "在线影音", "Online audio and video", "Searching for and playing films, TV and music", NONE, []],
  ["short_video", "短视频", "Short video", "Searching for and playing videos up to a certain length", NONE, []],
  ["news", "新闻资讯", "News and information", "Browsing and searching news", NONE, []],
  ["sports_fitness", "运动健身", "Sports and fitness", "Sports and fitness training", NONE, []],
  ["browser", "浏览器", "Browser", "Browsing information resources on the Internet", NONE, []],
  ["input_method", "输入法", "Input method", "Input of text, symbols and the like", NONE, []],
  ["security_management", "安全管理", "Security management",
    "Virus scanning and removal, cleaning malicious plug-ins, patching vulnerabilities and the like", NONE, []],
  ["ebooks", "电子图书", "E-books", "Searching for and reading e-books", NONE, []],
  ["photo_beautification", "拍摄美化", "Photography and beautification", "Shooting, beauty effects, filters and the like", NONE, []],
  ["app_store", "应用商店", "App store", "Searching for and downloading apps", NONE, [],
    "No personal information at all: not even a registered mobile number, so searching and downloading must work without an account."],
  ["utilities", "实用工具", "Utilities",
    "Calendar, weather, dictionary and translation, calculator, remote control, flashlight, compass, clock and alarm, file transfer, file management, wallpapers and ringtones, screenshots and screen recording, voice recording, document processing, smart-home assistants, horoscope and personality tests and similar tools",
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
