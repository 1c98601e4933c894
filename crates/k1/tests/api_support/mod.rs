//! Helpers for the tests that run a real `k1 run` and talk to its API over a socket: start it on
//! a free port and find the address it printed, and a minimal HTTP/1.1 client (one request per
//! connection, `Connection: close`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `k1 run --demo` and the address its API listens on.
pub struct Running {
    pub child: Child,
    pub addr: SocketAddr,
    /// The stderr lines up to the address line.
    pub early: Vec<String>,
    /// Every later stderr line is sent here by a thread that drains it.
    pub stderr: mpsc::Receiver<String>,
}

/// Starts `k1 run --demo` quietly with its settings in `dir`, the API on a free port, plus
/// `extra` flags; waits until the API is up.
pub fn start_k1(dir: &Path, extra: &[&str]) -> Running {
    let mut args = vec!["--demo"];
    args.extend_from_slice(extra);
    start_k1_run(dir, &args)
}

/// Starts `k1 run` quietly with its settings in `dir`, the API on a free port, plus `extra` flags
/// (no `--demo`: the saved source or the default one plays); waits until the API is up.
pub fn start_k1_run(dir: &Path, extra: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_k1"))
        .args([
            "run",
            "--no-preview",
            "--no-playback",
            "--no-pin",
            "--no-realtime",
        ])
        .args(["--listen", "127.0.0.1:0", "--config-dir"])
        .arg(dir)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start k1");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => {
                if let Some(rest) = line.split("API at http://").nth(1) {
                    let addr = rest.trim_end_matches('/').parse().expect("address");
                    return Running {
                        child,
                        addr,
                        early: seen,
                        stderr: rx,
                    };
                }
                seen.push(line);
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "k1 did not print its API address; stderr:\n{}",
                    seen.join("\n")
                );
            }
        }
    }
}

/// One HTTP reply.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {self:?}"))
    }
}

/// Sends `method path` with `body` (JSON) to `addr`, with extra header lines.
pub fn http(addr: SocketAddr, method: &str, path: &str, body: &str, headers: &[&str]) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Reply {
        status,
        head: head.to_string(),
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}
