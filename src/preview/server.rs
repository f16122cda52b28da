//! The preview's web server: a fixed set of routes over `tiny_http` (small and synchronous: a
//! local preview has a handful of clients, and an async runtime would double folio's build).
//! Nothing is read from disk: the pages and scripts are compiled into folio, the page images
//! come from the preview's memory, so no path can reach a file. It never writes one either.

use super::{Preview, Size};
use crate::products::Kind;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tiny_http::{Header, Request, Response, Server};

/// The files of the preview's pages, by route: (route, content type, bytes).
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "/",
        "text/html; charset=utf-8",
        include_str!("assets/index.html"),
    ),
    (
        "/present",
        "text/html; charset=utf-8",
        include_str!("assets/present.html"),
    ),
    (
        "/show",
        "text/html; charset=utf-8",
        include_str!("assets/show.html"),
    ),
    (
        "/folio.css",
        "text/css; charset=utf-8",
        include_str!("assets/folio.css"),
    ),
    (
        "/live.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/live.js"),
    ),
    (
        "/preview.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/preview.js"),
    ),
    (
        "/present.js",
        "text/javascript; charset=utf-8",
        include_str!("assets/present.js"),
    ),
];

/// How often an idle event stream says it is alive (and finds a closed browser).
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// A running server.
pub struct Served {
    pub addr: SocketAddr,
}

/// Starts serving `preview` on `host:port` (port 0: a free one) in background threads.
/// `open`: the host is not a loopback address, so any Host header is answered.
pub fn start(host: &str, port: u16, preview: Arc<Preview>) -> Result<Served, String> {
    let server = Server::http((host, port)).map_err(|e| e.to_string())?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or("the server is not on an IP address")?;
    let loopback = addr.ip().is_loopback();
    std::thread::Builder::new()
        .name("preview".into())
        .spawn(move || {
            for request in server.incoming_requests() {
                let preview = preview.clone();
                // One thread per request: few browsers, and an event stream holds its thread.
                let _ = std::thread::Builder::new()
                    .name("preview-request".into())
                    .spawn(move || handle(request, &preview, addr, loopback));
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(Served { addr })
}

/// What a request asks for.
#[derive(Debug, PartialEq)]
enum Route {
    Asset(&'static str, &'static str),
    State,
    Events,
    Image(Kind, u64, Size),
    NotFound,
}

/// The route of a request's target. Only exact routes match: the target is never decoded or
/// joined to a path, so `..`, `%2e%2e` or an absolute path is simply not a route.
fn route(target: &str) -> Route {
    let path = target.split_once('?').map_or(target, |(p, _)| p);
    if let Some((_, mime, body)) = ASSETS.iter().find(|(r, _, _)| *r == path) {
        return Route::Asset(mime, body);
    }
    match path {
        "/state" => return Route::State,
        "/events" => return Route::Events,
        _ => {}
    }
    let image = |rest: &str, size| {
        let (kind, file) = rest.split_once('/')?;
        let kind = Kind::ALL.into_iter().find(|k| k.name() == kind)?;
        let look = file.strip_suffix(".png")?;
        (look.len() == 16 && look.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u64::from_str_radix(look, 16).ok())
            .flatten()
            .map(|look| Route::Image(kind, look, size))
    };
    let found = if let Some(rest) = path.strip_prefix("/page/") {
        image(rest, Size::Thumb)
    } else if let Some(rest) = path.strip_prefix("/large/") {
        image(rest, Size::Large)
    } else {
        None
    };
    found.unwrap_or(Route::NotFound)
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        // A refusal is not kept: the same address may answer once a build has drawn it.
        .with_header(header("Cache-Control", "no-store"))
}

/// Whether the Host header names this server (a loopback server answers only its own names,
/// so a web page cannot reach it through a DNS name that points at 127.0.0.1).
fn host_allowed(request: &Request, addr: SocketAddr, loopback: bool) -> bool {
    if !loopback {
        return true;
    }
    let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
    else {
        return false;
    };
    // Without a port, the Host header means port 80.
    let host = match host.rsplit_once(':') {
        Some((name, port)) if !name.is_empty() && !port.contains(']') => (name, port.parse().ok()),
        _ => (host.as_str(), Some(80)),
    };
    let own = match addr.ip() {
        std::net::IpAddr::V4(ip) => ip.to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
    };
    host.1 == Some(addr.port()) && ["127.0.0.1", "localhost", "[::1]", &own].contains(&host.0)
}

fn handle(request: Request, preview: &Preview, addr: SocketAddr, loopback: bool) {
    use tiny_http::Method;
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "the preview only answers GET\n"));
        return;
    }
    if !host_allowed(&request, addr, loopback) {
        let _ = request.respond(text(403, "unknown host\n"));
        return;
    }
    let no_store = header("Cache-Control", "no-store");
    let _ = match route(request.url()) {
        Route::Asset(mime, body) => request.respond(
            Response::from_string(body)
                .with_header(header("Content-Type", mime))
                .with_header(no_store),
        ),
        Route::State => match preview.json() {
            Some(json) => request.respond(
                Response::from_string(&*json)
                    .with_header(header("Content-Type", "application/json"))
                    .with_header(no_store),
            ),
            None => request.respond(text(503, "the first build has not started\n")),
        },
        Route::Events => {
            events(request, preview);
            Ok(())
        }
        Route::Image(kind, look, size) => match preview.image(kind, look, size) {
            Some(Ok(png)) => request.respond(
                Response::from_data(png.as_slice())
                    .with_header(header("Content-Type", "image/png"))
                    // An image's address names what it shows: it never changes.
                    .with_header(header("Cache-Control", "max-age=31536000, immutable")),
            ),
            Some(Err(e)) => request.respond(text(500, &format!("{e}\n"))),
            None => request.respond(text(404, "no such page image (an older build's?)\n")),
        },
        Route::NotFound => request.respond(text(404, "not found\n")),
    };
}

/// A Server-Sent Events stream: the state now, then at every change. tiny_http would buffer a
/// streamed body in 8 KiB chunks, so the response head is written through its `upgrade` and
/// the events straight to the connection, each flushed.
fn events(request: Request, preview: &Preview) {
    // Listen before reading the state, so no change falls between the two.
    let changes = preview.listen();
    let response = Response::empty(200)
        .with_header(header("Content-Type", "text/event-stream"))
        .with_header(header("Cache-Control", "no-store"));
    let mut stream = request.upgrade("folio-events", response);
    let mut send = |event: &str| write!(stream, "{event}\n\n").and_then(|_| stream.flush());
    // A lost connection is retried after half a second (a restarted `folio watch`).
    if send("retry: 500").is_err() {
        return;
    }
    if let Some(json) = preview.json()
        && send(&format!("data: {json}")).is_err()
    {
        return;
    }
    loop {
        let sent = match changes.recv_timeout(KEEP_ALIVE) {
            Ok(json) => send(&format!("data: {json}")),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => send(": alive"),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if sent.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_server_answers_only_its_own_names() {
        let addr: SocketAddr = "127.0.0.1:7878".parse().unwrap();
        let ok = |host: &str| {
            let request = tiny_http::TestRequest::new().with_header(header("Host", host));
            host_allowed(&request.into(), addr, true)
        };
        for host in [
            "127.0.0.1:7878",
            "localhost:7878",
            "LOCALHOST:7878",
            "[::1]:7878",
        ] {
            assert!(ok(host), "{host}");
        }
        for host in [
            "evil.example:7878",
            "127.0.0.1:80",
            "localhost",
            "127.0.0.1.evil:7878",
            "",
        ] {
            assert!(!ok(host), "{host}");
        }
    }

    #[test]
    fn only_the_previews_own_routes_are_served() {
        assert!(matches!(route("/"), Route::Asset(..)));
        assert!(matches!(route("/present?x=1"), Route::Asset(..)));
        assert_eq!(route("/state"), Route::State);
        assert_eq!(
            route("/page/slides/00000000000000ff.png"),
            Route::Image(Kind::Slides, 255, Size::Thumb)
        );
        assert_eq!(
            route("/large/brochure/00000000000000ff.png"),
            Route::Image(Kind::Brochure, 255, Size::Large)
        );
        for target in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/page/../../content/report.yaml",
            "/page/brochure/..%2f..%2fCargo.toml",
            "/page/brochure/00000000000000ff.png/../x",
            "/page/other/00000000000000ff.png",
            "/page/slides/ff.png",
            "/etc/passwd",
            "//etc/passwd",
            "/content/report.yaml",
            "/photos/captions.yaml",
            "/preview.js/..",
            "",
        ] {
            assert_eq!(route(target), Route::NotFound, "{target}");
        }
    }
}
