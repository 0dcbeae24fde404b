//! QR codes for the URLs a leaflet prints: generated with the qrcode crate and drawn as one
//! SVG path (vector, so it stays sharp at any print size), error correction M, with the
//! standard 4-module quiet zone.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use qrcode::{Color, EcLevel, QrCode};

/// Modules of white space around the code, as the QR standard asks.
pub const QUIET_ZONE: usize = 4;

/// An SVG drawing of the QR code for `url`. The drawing is square; its viewBox is measured
/// in modules, so the template chooses the printed size.
///
/// Every language prints the same few URLs: each is encoded once per process (choosing the
/// mask is most of the work of a leaflet that is kept from the last build).
pub fn svg(url: &str) -> Result<String, String> {
    static MADE: LazyLock<Mutex<HashMap<String, Result<String, String>>>> =
        LazyLock::new(Default::default);
    if let Some(made) = MADE.lock().ok().and_then(|m| m.get(url).cloned()) {
        return made;
    }
    let made = encode(url);
    if let Ok(mut m) = MADE.lock() {
        m.insert(url.to_owned(), made.clone());
    }
    made
}

fn encode(url: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot make a QR code for {url}: {e}"))?;
    let n = code.width();
    let colors = code.to_colors();
    let size = n + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..n {
        let mut x = 0;
        while x < n {
            if colors[y * n + x] == Color::Dark {
                let start = x;
                while x < n && colors[y * n + x] == Color::Dark {
                    x += 1;
                }
                // One rectangle per horizontal run of dark modules.
                path.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" width="{s}" height="{s}">"##,
            r##"<rect width="{s}" height="{s}" fill="#fff"/><path fill="#000" d="{p}"/></svg>"##
        ),
        s = size,
        p = path
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_square_code_with_a_quiet_zone() {
        let s = svg("https://www.kojinbango-card.go.jp/en-link/").unwrap();
        // version 3 (29 modules) at level M for this URL, plus 2 × 4 modules of quiet zone
        assert!(s.contains(r#"viewBox="0 0 37 37""#), "{s}");
        assert!(
            s.contains("M4 4h7v1h-7z"),
            "the finder pattern starts after the quiet zone"
        );
    }
}
