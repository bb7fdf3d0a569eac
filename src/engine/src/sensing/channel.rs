//! Where the shopper came from (`channel`) and what kind of page this is (`page.type`).

use super::text::host_is;
use crate::small::{contains, parts};

/// Query parameters that carry a search (CONTRACT §5).
pub const SEARCH_PARAMS: [&str; 5] = ["q", "s", "search", "query", "keyword"];

/// Click ids that mark a paid click (`fbclid` alone is social).
pub const PAID_CLICK_IDS: [&str; 5] = ["gclid", "gbraid", "wbraid", "msclkid", "dclid"];

const SOCIAL: [&str; 13] = [
    "facebook", "fb", "instagram", "twitter", "tiktok", "zalo", "linkedin", "lnkd", "pinterest", "youtube", "youtu", "reddit",
    "threads",
];
const SEARCH_ENGINES: [&str; 9] = ["google", "bing", "duckduckgo", "yahoo", "baidu", "yandex", "coccoc", "ecosia", "naver"];

/// Whether any dot-separated label of `host` is in `names`.
fn label_in(host: &str, names: &[&str]) -> bool {
    parts(host, b'.').any(|l| names.contains(&l))
}

/// The channel a host (a referrer's, or a `utm_source` name) stands for, if it is a known one.
fn host_channel(host: &str) -> Option<&'static str> {
    let first = parts(host, b'.').next().unwrap_or("");
    if matches!(first, "mail" | "webmail" | "outlook") || contains(host, "newsletter") || host == "email" {
        Some("email")
    } else if label_in(host, &SOCIAL) || host_is(host, "t.co") || host_is(host, "x.com") {
        Some("social")
    } else if label_in(host, &SEARCH_ENGINES) {
        Some("organic")
    } else {
        None
    }
}

/// The channel (`email social paid organic referral direct`) from the UTM source and medium (lower
/// case, possibly empty), whether a paid click id / `fbclid` is present, the referrer's host and
/// the page's host.
pub fn classify(source: &str, medium: &str, paid_click: bool, fbclid: bool, referrer_host: &str, host: &str) -> &'static str {
    let m = medium;
    if contains(m, "email") || contains(m, "e-mail") || contains(m, "newsletter") {
        return "email";
    }
    if paid_click
        || m.starts_with("paid")
        || matches!(m, "cpc" | "ppc" | "cpm" | "cpv" | "cpa" | "display" | "banner" | "ads" | "ad" | "retargeting")
    {
        return "paid";
    }
    if contains(m, "social") || m == "sm" {
        return "social";
    }
    if m == "organic" {
        return "organic";
    }
    if matches!(m, "referral" | "affiliate" | "partner") {
        return "referral";
    }
    if fbclid {
        return "social";
    }
    if !source.is_empty() {
        return host_channel(source).unwrap_or("referral");
    }
    let r = referrer_host.strip_prefix("www.").unwrap_or(referrer_host);
    let h = host.strip_prefix("www.").unwrap_or(host);
    if r.is_empty() || (!h.is_empty() && (host_is(r, h) || host_is(h, r))) {
        return "direct";
    }
    host_channel(r).unwrap_or("referral")
}

/// Whether `referrer_host` is another site than `host` (an empty host knows no site: any referrer
/// is another).
pub fn external(referrer_host: &str, host: &str) -> bool {
    let r = referrer_host.strip_prefix("www.").unwrap_or(referrer_host);
    let h = host.strip_prefix("www.").unwrap_or(host);
    !r.is_empty() && (h.is_empty() || !(host_is(r, h) || host_is(h, r)))
}

/// Guesses `page.type` from the path: the first of checkout, cart, product, search, category,
/// stores, guide that any path segment names (English and Vietnamese slugs; `^` a segment's
/// start, `=` a whole segment but for an extension, else anywhere in one), else `search` when the
/// URL carries a search parameter, else `home` for `/` (or `/index…`, `/home`), else `other`.
pub fn guess_page_type(path: &str, has_search: bool) -> &'static str {
    const TYPES: [(&str, &str); 7] = [
        ("checkout", "^checkout ^thanh-toan"),
        ("cart", "=cart =basket =gio-hang =shopping-cart"),
        ("product", "^product ^san-pham =p"),
        ("search", "^search ^tim-kiem"),
        ("category", "^categor ^collection ^danh-muc"),
        ("stores", "store locat cua-hang"),
        ("guide", "guide how-to help huong-dan"),
    ];
    let lower = path.to_ascii_lowercase();
    let segs = || parts(&lower, b'/').filter(|s| !s.is_empty());
    for &(ty, pats) in &TYPES {
        let hit = segs().any(|s| {
            parts(pats, b' ').any(|p| match p.as_bytes().first() {
                Some(b'^') => s.starts_with(&p[1..]),
                Some(b'=') => parts(s, b'.').next() == Some(&p[1..]),
                _ => contains(s, p),
            })
        });
        if hit {
            return ty;
        }
    }
    if has_search {
        "search"
    } else if segs().all(|s| s.starts_with("index") || s == "home") {
        "home"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels() {
        assert_eq!(classify("", "newsletter", false, false, "", "shop.vn"), "email");
        assert_eq!(classify("google", "cpc", false, false, "www.google.com", "shop.vn"), "paid");
        assert_eq!(classify("", "", true, true, "", "shop.vn"), "paid");
        assert_eq!(classify("", "", false, true, "l.facebook.com", "shop.vn"), "social");
        assert_eq!(classify("", "", false, false, "t.co", "shop.vn"), "social");
        assert_eq!(classify("", "", false, false, "zalo.me", "shop.vn"), "social");
        assert_eq!(classify("", "", false, false, "www.google.com.vn", "shop.vn"), "organic");
        assert_eq!(classify("", "", false, false, "coccoc.com", "shop.vn"), "organic");
        assert_eq!(classify("", "", false, false, "blog.example", "shop.vn"), "referral");
        assert_eq!(classify("", "", false, false, "", "shop.vn"), "direct");
        assert_eq!(classify("", "", false, false, "www.shop.vn", "shop.vn"), "direct");
        assert_eq!(classify("", "", false, false, "m.shop.vn", "shop.vn"), "direct");
        assert_eq!(classify("facebook", "", false, false, "", ""), "social");
        assert_eq!(classify("partner-site", "", false, false, "", ""), "referral");
        assert_eq!(classify("", "", false, false, "mail.google.com", "shop.vn"), "email");
        assert_eq!(classify("", "", false, false, "box.com", "shop.vn"), "referral");
    }

    #[test]
    fn page_types() {
        for (p, t) in [
            ("/", "home"),
            ("", "home"),
            ("/index.html", "home"),
            ("/product.html", "product"),
            ("/products/cart-holder", "product"),
            ("/p/123", "product"),
            ("/store/p/123", "product"),
            ("/cart", "cart"),
            ("/gio-hang", "cart"),
            ("/checkout/payment", "checkout"),
            ("/search", "search"),
            ("/collections/summer", "category"),
            ("/category.html", "category"),
            ("/stores/hanoi", "stores"),
            ("/store-locator", "stores"),
            ("/locations", "stores"),
            ("/guides/how-to-lace", "guide"),
            ("/help", "guide"),
            ("/about", "other"),
        ] {
            assert_eq!(guess_page_type(p, false), t, "{p}");
        }
        assert_eq!(guess_page_type("/about", true), "search");
    }
}
