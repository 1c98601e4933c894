//! `GET /ws`: the WebSocket. It streams LED frames (binary) at the rate the client asks for and
//! telemetry (JSON) about 10 times a second, and takes the same commands as the REST routes,
//! answering each with an `ack` or an `error`. The message formats are in `docs/api.md`.
//!
//! Each client has its own task. It copies the newest frame out of the engine's frame slot (a
//! copy that never blocks the renderer) when its own timer fires, so a client only ever sees the
//! newest frame: a slow one gets fewer frames, never old ones, and one whose socket does not
//! take a message within [`SEND_TIMEOUT`] is dropped. Nothing here can slow the engine.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::time::{MissedTickBehavior, interval, timeout};

use super::control;
use super::error::ApiError;
use super::params::num;
use super::presets;
use super::state::ApiState;
use k1_io::sinks::Frame;

/// Frames per second a client gets unless it asks for another rate.
pub const DEFAULT_FPS: u32 = 60;
/// How often telemetry is sent.
pub const TELEMETRY_PERIOD: Duration = Duration::from_millis(100);
/// A client whose socket does not take a message within this is dropped.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(2);
/// The largest message a client may send, bytes.
pub const MAX_MESSAGE: usize = 64 * 1024;
/// The binary frame's first byte.
pub const FRAME_MAGIC: u8 = b'K';
/// The binary frame format's version (its second byte).
pub const FRAME_VERSION: u8 = 1;
/// Bytes before the LED colours in a binary frame.
pub const FRAME_HEADER: usize = 12;

/// `GET /ws`: upgrades to a WebSocket (`?fps=N` sets the frame rate, `?token=` authorises
/// commands when a token is required).
pub async fn upgrade(
    State(state): State<ApiState>,
    headers: HeaderMap,
    uri: Uri,
    Query(query): Query<Vec<(String, String)>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let ws = match ws {
        Ok(ws) => ws,
        Err(e) => {
            return ApiError::Field {
                code: "not_a_websocket",
                field: "upgrade".into(),
                message: format!("/ws is a WebSocket: {}", e.body_text()),
            }
            .into_response();
        }
    };
    let mut fps = DEFAULT_FPS.min(state.device.fps.max(1));
    if let Some((_, v)) = query.iter().find(|(k, _)| k == "fps") {
        match check_fps(&state, &json!(v.parse::<f64>().unwrap_or(f64::NAN))) {
            Ok(f) => fps = f,
            Err(e) => return e.into_response(),
        }
    }
    let can_write = super::guard::token_ok(&state, &headers, Some(&uri));
    ws.max_message_size(MAX_MESSAGE)
        .on_upgrade(move |socket| session(socket, state, fps, can_write))
}

fn check_fps(state: &ApiState, v: &Value) -> Result<u32, ApiError> {
    let max = state.device.fps.max(1);
    v.as_f64()
        .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f <= f64::from(max))
        .map(|f| f as u32)
        .ok_or_else(|| {
            ApiError::value(
                "fps",
                format!("fps must be an integer from 1 to {max} (the render rate), got {v}"),
            )
        })
}

/// The wall clock in ms since the Unix epoch (the WebSocket's `timestamp`, and `epoch_ms`).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// What one client wants.
struct Subscription {
    fps: u32,
    frames: bool,
    telemetry: bool,
}

async fn session(mut socket: WebSocket, state: ApiState, fps: u32, can_write: bool) {
    let ws = &state.ws;
    ws.clients.fetch_add(1, Ordering::Relaxed);
    let id = ws.next_id.fetch_add(1, Ordering::Relaxed) + 1;
    let mut sub = Subscription {
        fps,
        frames: true,
        telemetry: true,
    };
    let now = now_ms();
    let welcome = json!({
        "type": "welcome",
        "client_id": id,
        "timestamp": now,
        "epoch_ms": now,
        "protocol": 1,
        "leds": state.shared.layout().leds(),
        "fps": sub.fps,
        "max_fps": state.device.fps,
        "read_only": !can_write,
    });
    let mut ok = send(&mut socket, Message::Text(welcome.to_string().into())).await;
    let mut frame = Frame::new(state.shared.layout().leds());
    let mut seen = 0u64;
    let mut bytes = Vec::new();
    let mut frames = interval(period(sub.fps));
    frames.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut telemetry = interval(TELEMETRY_PERIOD);
    telemetry.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let (mut sent, mut skipped) = (0u64, 0u64);
    while ok {
        tokio::select! {
            msg = socket.recv() => {
                let reply = match msg {
                    Some(Ok(Message::Text(text))) => {
                        let (reply, new_fps) = command(&state, &mut sub, can_write, text.as_str());
                        if let Some(f) = new_fps {
                            frames = interval(period(f));
                            frames.set_missed_tick_behavior(MissedTickBehavior::Skip);
                        }
                        reply
                    }
                    Some(Ok(Message::Binary(_))) => error_reply(None, None, &ApiError::InvalidJson(
                        "commands are JSON text messages".into())),
                    Some(Ok(_)) => continue, // ping/pong are answered by the library
                    Some(Err(e)) => {
                        if too_large(e) {
                            let close = CloseFrame {
                                code: close_code::SIZE,
                                reason: format!("messages are at most {MAX_MESSAGE} bytes").into(),
                            };
                            let _ = send(&mut socket, Message::Close(Some(close))).await;
                        }
                        break;
                    }
                    None => break,
                };
                ok = send(&mut socket, Message::Text(reply.to_string().into())).await;
            }
            at = frames.tick(), if sub.frames => {
                let late = Instant::now().saturating_duration_since(at.into_std());
                let missed = (late.as_nanos() / period(sub.fps).as_nanos().max(1)) as u64;
                skipped += missed;
                ws.frames_skipped.fetch_add(missed, Ordering::Relaxed);
                if let Some(v) = state.shared.take_frame(seen, &mut frame) {
                    seen = v;
                    encode_frame(&frame, &mut bytes);
                    ok = send(&mut socket, Message::Binary(bytes.clone().into())).await;
                    sent += 1;
                    ws.frames_sent.fetch_add(1, Ordering::Relaxed);
                }
            }
            _ = telemetry.tick(), if sub.telemetry => {
                let t = telemetry_json(&state, sent, skipped);
                ok = send(&mut socket, Message::Text(t.to_string().into())).await;
            }
        }
    }
    if !ok {
        ws.dropped.fetch_add(1, Ordering::Relaxed);
        tracing::info!("WebSocket client {id} dropped: too slow or gone");
    }
    ws.clients.fetch_sub(1, Ordering::Relaxed);
}

/// Whether a receive failed because the client's message was over [`MAX_MESSAGE`].
fn too_large(e: axum::Error) -> bool {
    e.into_inner()
        .downcast_ref::<tungstenite::Error>()
        .is_some_and(|e| matches!(e, tungstenite::Error::Capacity(_)))
}

fn period(fps: u32) -> Duration {
    Duration::from_nanos(1_000_000_000 / u64::from(fps.max(1)))
}

/// Sends one message; false if the client is gone or did not take it within [`SEND_TIMEOUT`].
async fn send(socket: &mut WebSocket, msg: Message) -> bool {
    matches!(timeout(SEND_TIMEOUT, socket.send(msg)).await, Ok(Ok(())))
}

/// The binary frame: `'K'`, version 1, LED count (u16 LE), frame index (u64 LE), then R, G, B
/// per LED.
pub fn encode_frame(frame: &Frame, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(FRAME_HEADER + 3 * frame.leds.len());
    out.push(FRAME_MAGIC);
    out.push(FRAME_VERSION);
    out.extend_from_slice(&(frame.leds.len().min(usize::from(u16::MAX)) as u16).to_le_bytes());
    out.extend_from_slice(&frame.index.to_le_bytes());
    for c in &frame.leds {
        out.extend_from_slice(&[c.r, c.g, c.b]);
    }
}

fn round3(v: &[f32]) -> Vec<Value> {
    v.iter()
        .map(|x| num((x * 1000.0).round() / 1000.0))
        .collect()
}

/// One telemetry message.
pub fn telemetry_json(state: &ApiState, sent: u64, skipped: u64) -> Value {
    let p = state.shared.latest();
    let s = &p.snapshot;
    let pair = state.shared.last_second();
    let (w, t) = (&pair.window, &pair.total);
    let now = now_ms();
    json!({
        "type": "telemetry",
        "timestamp": now,
        "epoch_ms": now,
        "hop": s.hop,
        "bpm": num(s.bpm),
        "confidence": num(s.confidence),
        "beat_phase": num(s.beat_phase),
        "vu": num(s.vu),
        "onset": s.onset,
        "beat": s.beat,
        "silent": s.silent,
        "spectrum": round3(&s.spectrum_smooth),
        "chroma": round3(&s.chroma),
        "current_pattern": state.shared.settings().pattern,
        "source": state.source.current().name,
        "input": super::input::level_json(s),
        "power": super::power::reply(state),
        "metrics": {
            "fps": w.fps,
            "frame_time_p99_ms": w.frame_time.p99_ms,
            "latency_p50_ms": w.latency.p50_ms,
            "latency_p99_ms": w.latency.p99_ms,
            "deadline_misses": w.deadline_misses(),
            "torn_reads": t.torn_reads,
            "frames": t.frames,
        },
        "client": {"frames_sent": sent, "frames_skipped": skipped},
    })
}

fn error_reply(command: Option<&str>, id: Option<&Value>, e: &ApiError) -> Value {
    let b = e.body();
    json!({
        "type": "error",
        "command": command,
        "id": id,
        "error": b.error,
        "field": b.field,
        "message": b.message,
        "status": b.status,
    })
}

/// Carries out one text command; returns the reply and, if the frame rate changed, the new one.
fn command(
    state: &ApiState,
    sub: &mut Subscription,
    can_write: bool,
    text: &str,
) -> (Value, Option<u32>) {
    let msg: Map<String, Value> = match super::extract::parse(text.as_bytes()) {
        Ok(m) => m,
        Err(e) => return (error_reply(None, None, &e), None),
    };
    let id = msg.get("id");
    let Some(kind) = msg.get("type").and_then(Value::as_str) else {
        return (error_reply(None, id, &ApiError::MissingField("type")), None);
    };
    let writes = matches!(kind, "set_params" | "select" | "reset" | "apply_preset");
    if writes && !can_write {
        return (error_reply(Some(kind), id, &ApiError::Unauthorized), None);
    }
    let mut new_fps = None;
    let result = match kind {
        "set_params" => match msg.get("params") {
            Some(Value::Object(p)) => control::set_params(state, p),
            _ => Err(ApiError::MissingField("params")),
        },
        "get_params" => Ok(control::params_reply(state)),
        "select" => control::select(state, &msg),
        "reset" => Ok(control::reset(state)),
        "apply_preset" => match msg.get("name").and_then(Value::as_str) {
            Some(name) => presets::apply(state, name),
            None => Err(ApiError::MissingField("name")),
        },
        "subscribe" => (|| {
            let fps = match msg.get("fps") {
                Some(v) => Some(check_fps(state, v)?),
                None => None,
            };
            let flag = |key: &'static str| match msg.get(key) {
                None => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(_) => Err(ApiError::value(key, format!("{key} must be true or false"))),
            };
            let (frames, telemetry) = (flag("frames")?, flag("telemetry")?);
            if let Some(f) = fps {
                sub.fps = f;
                new_fps = Some(f);
            }
            sub.frames = frames.unwrap_or(sub.frames);
            sub.telemetry = telemetry.unwrap_or(sub.telemetry);
            Ok(json!({"fps": sub.fps, "frames": sub.frames, "telemetry": sub.telemetry}))
        })(),
        "ping" => {
            let now = now_ms();
            Ok(json!({"timestamp": now, "epoch_ms": now}))
        }
        other => Err(ApiError::value(
            "type",
            format!(
                "unknown command '{other}'; valid: set_params, get_params, select, reset, \
                 apply_preset, subscribe, ping"
            ),
        )),
    };
    let reply = match result {
        Ok(r) => json!({"type": "ack", "command": kind, "id": id, "result": r}),
        Err(e) => error_reply(Some(kind), id, &e),
    };
    (reply, new_fps)
}

/// Carries out one text command for a client with default settings that may change state, and
/// returns the reply (for tests).
#[cfg(test)]
pub fn handle_text(state: &ApiState, text: &str) -> Value {
    let mut sub = Subscription {
        fps: DEFAULT_FPS,
        frames: true,
        telemetry: true,
    };
    command(state, &mut sub, true, text).0
}
