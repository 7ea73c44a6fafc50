//! The fuzz harnesses of the workbench (feature `fuzz-harness`, for `fuzz/` and the regression
//! test that replays their inputs; not part of the library's API):
//!
//! - [`upload`]: the files `qstudy_io::harness::upload_files` makes of the input, opened as the
//!   page's upload is ([`load::open_upload`]); no panic, and an error is one line;
//! - [`http`]: raw bytes from a client, without or with the token, to a workbench with the
//!   LIPSET study open.
//!
//! The rules [`http`] checks: no panic, no hang; whatever the bytes, every answer is a well-formed
//! HTTP/1.x response with a length, and none is a 5xx (a server failure is a bug, whatever the
//! client sent).

use std::sync::Arc;

use crate::{WorkbenchState, http, load};

/// The port the harness's workbench believes it listens on (for the `Host` check).
pub const PORT: u16 = 8080;

/// The harness's session token (seeds carry it, so that the fuzzer reaches the API).
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// A workbench with the LIPSET study open, fresh for each input.
fn workbench() -> Arc<WorkbenchState> {
    let state = WorkbenchState::new(PORT, TOKEN.to_string());
    let lipset = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/lipset/LIPSET.DAT"
    );
    if let Ok(opened) = load::open_path(lipset.as_ref()) {
        state.open(opened);
    }
    Arc::new(state)
}

/// Splits `out` into responses and returns their statuses; panics on a malformed one.
fn statuses(mut out: &[u8]) -> Vec<u16> {
    let mut found = Vec::new();
    while !out.is_empty() {
        let end = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("a response without the end of its head: {out:?}"));
        let head = std::str::from_utf8(&out[..end]).expect("a response head in ASCII");
        // hyper answers an HTTP/1.0 request in HTTP/1.0
        let status: u16 = head
            .strip_prefix("HTTP/1.1 ")
            .or_else(|| head.strip_prefix("HTTP/1.0 "))
            .and_then(|r| r.get(..3))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP/1.x status line: {head}"));
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or_else(|| panic!("a response without a length: {head}"));
        let body_end = end + 4 + length;
        assert!(body_end <= out.len(), "a response cut short: {head}");
        found.push(status);
        out = &out[body_end..];
    }
    found
}

/// One fuzz input of the upload path.
pub fn upload(data: &[u8]) {
    let files = qstudy_io::harness::upload_files(data);
    if let Err(e) = load::open_upload(&files) {
        qstudy_io::harness::upload_error(&e.to_string());
    }
}

/// One fuzz input: `data` as a client's whole transmission.
pub fn http(data: &[u8]) {
    let out = http::respond_to_bytes(&workbench(), data);
    for status in statuses(&out) {
        assert!(
            !(500..600).contains(&status),
            "a server failure ({status}) for {:?}",
            String::from_utf8_lossy(data)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_with_and_without_the_token_are_answered_well() {
        let state = workbench();
        let ask = |raw: String| statuses(&http::respond_to_bytes(&state, raw.as_bytes()));
        assert_eq!(
            ask(format!(
                "GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nX-Qstudy-Token: {TOKEN}\r\n\r\n"
            )),
            [200]
        );
        assert_eq!(
            ask(format!(
                "GET /api/state HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\n\r\n"
            )),
            [403]
        );
        // two requests on one connection
        let body = r#"{"factors": 2}"#;
        let two = format!(
            "GET /?token={TOKEN} HTTP/1.1\r\nHost: localhost:{PORT}\r\n\r\nPOST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nX-Qstudy-Token: {TOKEN}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        assert_eq!(ask(two), [200, 200]);
        // a header beyond the cap
        let long = format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nX: {}\r\n\r\n",
            "a".repeat(http::MAX_HEADER_BYTES)
        );
        assert_eq!(ask(long), [431]);
        // garbage
        assert_eq!(ask("\u{0}\u{1}GARBAGE\r\n\r\n".to_string()), [400]);
        http(b"POST /api/load HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 5\r\n\r\n");
    }
}
