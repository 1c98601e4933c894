//! The Wi-Fi setup page: `GET /` shows a form; `POST /setup` takes it
//! (`k1_fw_logic::credentials` checks it), stores the credentials in the settings partition at
//! once and hands them to the Wi-Fi task, which tries them immediately (the setup network stays
//! up meanwhile, see `net::wifi`). Served on both interfaces, so a device can be moved to
//! another network from the current one too.
//!
//! The page is static text in a few pieces ([`Html`]), written straight to the socket: no
//! buffer in the server tasks, whose RAM the ESP32-C3 is short of.

use heapless::Vec;
use k1_fw_logic::credentials::Credentials;
use picoserve::io::Write;
use picoserve::response::{Content, IntoResponse, Response, StatusCode};

use crate::http::BODY_MAX;
use crate::state::{NEW_CREDENTIALS, device};

const HEAD: &str = "<!doctype html><html><head><meta charset=utf-8>\
<meta name=viewport content='width=device-width,initial-scale=1'><title>K1 setup</title>\
<style>body{font:16px system-ui;margin:2em auto;max-width:28em;padding:0 1em}\
input{display:block;width:100%;margin:.3em 0 1em;padding:.5em;box-sizing:border-box}\
button{padding:.6em 1.4em}.err{color:#b00}</style></head><body><h1>K1 setup</h1>";

const FORM: &str = "<p>Choose the Wi-Fi network K1 should join.</p>\
<form method=post action=/setup>\
<label>Network name<input name=ssid maxlength=32 required></label>\
<label>Password (empty for an open network)<input name=password type=password maxlength=64></label>\
<button>Save and join</button></form></body></html>";

const JOINING: &str = "<p>Saved. K1 is joining the network now. When it succeeds, this setup \
network closes after 30 s; then open http://k1-XXXX.local/ on that network, where XXXX are \
the four characters at the end of this setup network's name. If it fails, this setup network stays up: come back here and check the password.</p>\
</body></html>";

const NOT_STORED: &str = "<p class=err>The network could not be stored in flash; K1 uses it \
until the next restart.</p>";

/// An HTML page made of static pieces.
pub struct Html<const N: usize>([&'static str; N]);

impl<const N: usize> Content for Html<N> {
    fn content_type(&self) -> &'static str {
        "text/html; charset=utf-8"
    }

    fn content_length(&self) -> usize {
        self.0.iter().map(|p| p.len()).sum()
    }

    async fn write_content<W: Write>(self, mut writer: W) -> Result<(), W::Error> {
        for piece in self.0 {
            writer.write_all(piece.as_bytes()).await?;
        }
        Ok(())
    }
}

/// `GET /`.
pub async fn page() -> impl IntoResponse {
    Html([HEAD, FORM])
}

/// `POST /setup`.
pub async fn submit(body: Vec<u8, BODY_MAX>) -> impl IntoResponse {
    match Credentials::from_form(&body) {
        Ok(c) => {
            let stored = device()
                .await
                .as_mut()
                .is_some_and(|d| d.set_wifi(c.clone()));
            NEW_CREDENTIALS.signal(c);
            Response::new(
                StatusCode::OK,
                Html([HEAD, if stored { "" } else { NOT_STORED }, JOINING, "", ""]),
            )
        }
        Err(e) => Response::new(
            StatusCode::BAD_REQUEST,
            Html([HEAD, "<p class=err>", e.message(), "</p>", FORM]),
        ),
    }
}
