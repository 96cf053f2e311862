/** PDF toolkit for taphuan's administrative documents (NĐ 30/2020 layout, Vietnamese, Tinos). */
export * from "./admin-doc";
export * from "./certificate";
export * from "./dates";
export * from "./documents";
export * from "./fonts";
export * from "./meta";
export * from "./qr";
export * from "./table";
export * from "./table-plan";
