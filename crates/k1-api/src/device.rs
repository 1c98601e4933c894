//! The routes about the device and how it runs: `/api/device/info`,
//! `/api/device/performance`, `/api/health` and `/metrics` (Prometheus text).

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::state::ApiState;
use k1_core::criteria;
use k1_engine::Metrics;

/// `GET /api/device/info` (and its alias `/api/device-info`, the original client's). With a token
/// in force, `config_dir` (where the settings and the token live) is given only with the token.
pub async fn info(State(state): State<ApiState>, headers: axum::http::HeaderMap) -> Json<Value> {
    let layout = state.shared.layout();
    let segments: Vec<Value> = layout
        .segments()
        .iter()
        .map(|s| json!({"start": s.start, "len": s.len, "reversed": s.reversed}))
        .collect();
    let uptime = state.started.elapsed();
    let source = state.source.current();
    Json(json!({
        "device": "K1",
        "name": state.device.name,
        "firmware": env!("CARGO_PKG_VERSION"),
        "version": env!("CARGO_PKG_VERSION"),
        "uptime": uptime.as_secs(),
        "uptime_ms": uptime.as_millis() as u64,
        "listen": state.listen.map(|a| a.to_string()),
        "source": source.name,
        "source_spec": source.spec,
        "source_kind": source.kind,
        "outputs": state.shared.outputs(),
        "sinks": state.device.outputs,
        "fps_target": state.device.fps,
        "layout": {"leds": layout.leds(), "segments": segments},
        "auth_required": state.security.token.is_some(),
        "auth": state.security.auth_mode(),
        "config_dir": super::guard::token_ok(&state, &headers, None)
            .then(|| state.store.dir().map(|d| d.display().to_string()))
            .flatten(),
    }))
}

/// `GET /api/device/performance`: the engine's metrics over the last second and since the start,
/// plus the original's summary fields.
pub async fn performance(State(state): State<ApiState>) -> Json<Value> {
    let pair = state.shared.last_second();
    let memory_kb = k1_engine::proc_stats::resident_bytes().map(|b| b / 1024);
    Json(json!({
        "fps": pair.window.fps,
        "frame_time_us": pair.window.frame_time.p50_ms * 1000.0,
        "latency_p99_ms": pair.window.latency.p99_ms,
        "memory_resident_kb": memory_kb,
        "source": state.source.current().name,
        "source_swaps": state.source.swaps(),
        "window": pair.window,
        "total": pair.total,
    }))
}

/// `GET /api/test-connection`: the original client's probe, `{"status":"ok","timestamp":ms}`.
/// `timestamp` is ms since the server started, as the original's uptime-based stamp; the same
/// figure is named `uptime_ms`, and `epoch_ms` is the wall clock (what the WebSocket's
/// `timestamp` is).
pub async fn test_connection(State(state): State<ApiState>) -> Json<Value> {
    let uptime_ms = state.started.elapsed().as_millis() as u64;
    Json(json!({
        "status": "ok",
        "timestamp": uptime_ms,
        "uptime_ms": uptime_ms,
        "epoch_ms": super::ws::now_ms(),
    }))
}

/// One health criterion.
fn check(name: &str, requirement: &str, measured: f64, pass: bool) -> Value {
    json!({"name": name, "requirement": requirement, "measured": measured, "pass": pass})
}

/// The success criteria over the last second (`window`) and the run (`total`).
pub fn criteria(window: &Metrics, total: &Metrics) -> Vec<Value> {
    vec![
        check(
            "fps",
            criteria::FPS_REQUIREMENT_LAST_SECOND,
            window.fps,
            criteria::fps_holds(window.fps),
        ),
        check(
            "latency_p99_ms",
            criteria::LATENCY_REQUIREMENT_LAST_SECOND,
            window.latency.p99_ms,
            criteria::latency_holds((window.latency.count > 0).then_some(window.latency.p99_ms)),
        ),
        check(
            "deadline_misses",
            "deadline misses = 0 (last second)",
            window.deadline_misses() as f64,
            window.deadline_misses() == 0,
        ),
        check(
            "torn_reads",
            "torn reads = 0 (since the start)",
            total.torn_reads as f64,
            total.torn_reads == 0,
        ),
    ]
}

/// `GET /api/health`: 200 if every criterion holds over the last second, else 503, with the
/// figures either way (503 `starting` before the first full second).
pub async fn health(State(state): State<ApiState>) -> impl IntoResponse {
    let pair = state.shared.last_second();
    if pair.window.seconds <= 0.0 {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "starting", "healthy": false, "checks": []})),
        );
    }
    let checks = criteria(&pair.window, &pair.total);
    let healthy = checks.iter().all(|c| c["pass"] == json!(true));
    let code = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let status = if healthy { "ok" } else { "failing" };
    (
        code,
        Json(json!({
            "status": status,
            "healthy": healthy,
            "checks": checks,
            "window_seconds": pair.window.seconds,
        })),
    )
}

/// `GET /metrics`: the same figures in the Prometheus text format.
pub async fn metrics(State(state): State<ApiState>) -> impl IntoResponse {
    let pair = state.shared.last_second();
    let (w, t) = (&pair.window, &pair.total);
    let snap = state.shared.latest().snapshot;
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, v: f64| {
        let _ = writeln!(
            out,
            "# HELP k1_{name} {help}\n# TYPE k1_{name} gauge\nk1_{name} {v}"
        );
    };
    gauge(
        "fps",
        "Frames rendered per second over the last second.",
        w.fps,
    );
    gauge(
        "hops_per_second",
        "Audio hops analysed per second over the last second.",
        w.hops_per_second,
    );
    gauge("bpm", "The tempo estimate.", f64::from(snap.bpm));
    gauge(
        "tempo_confidence",
        "Confidence in the tempo estimate, 0..1.",
        f64::from(snap.confidence),
    );
    gauge("vu", "Loudness, 0..1.", f64::from(snap.vu));
    gauge(
        "uptime_seconds",
        "Seconds since the server started.",
        state.started.elapsed().as_secs_f64(),
    );
    gauge(
        "http_connections",
        "HTTP connections open (WebSockets included).",
        state.connections.open() as f64,
    );
    gauge(
        "ws_clients",
        "WebSocket clients connected.",
        state.ws.clients.load(Ordering::Relaxed) as f64,
    );
    gauge(
        "healthy",
        "1 if every health criterion holds over the last second.",
        {
            let ok = w.seconds > 0.0 && criteria(w, t).iter().all(|c| c["pass"] == json!(true));
            f64::from(u8::from(ok))
        },
    );
    for (name, help, q) in [
        (
            "latency_ms",
            "Sample-to-frame latency over the last second, ms.",
            &w.latency,
        ),
        (
            "frame_time_ms",
            "Render time per frame over the last second, ms.",
            &w.frame_time,
        ),
        (
            "hop_time_ms",
            "Analysis time per hop over the last second, ms.",
            &w.hop_time,
        ),
    ] {
        let _ = writeln!(out, "# HELP k1_{name} {help}\n# TYPE k1_{name} gauge");
        for (label, v) in [("0.5", q.p50_ms), ("0.99", q.p99_ms), ("1", q.max_ms)] {
            let _ = writeln!(out, "k1_{name}{{quantile=\"{label}\"}} {v}");
        }
    }
    let mut counter = |name: &str, help: &str, v: u64| {
        let _ = writeln!(
            out,
            "# HELP k1_{name}_total {help}\n# TYPE k1_{name}_total counter\nk1_{name}_total {v}"
        );
    };
    counter("frames", "Frames rendered.", t.frames);
    counter("hops", "Audio hops analysed.", t.hops);
    counter(
        "frame_misses",
        "Frames finished more than one period late.",
        t.frame_misses,
    );
    counter(
        "hop_misses",
        "Hops analysed more than one hop period late.",
        t.hop_misses,
    );
    counter(
        "torn_reads",
        "Snapshot reads that mixed two writes.",
        t.torn_reads,
    );
    counter(
        "seqlock_fallbacks",
        "Seqlock reads that gave up and used the last copy.",
        t.seqlock_fallbacks,
    );
    counter("sink_frames", "Frames written by the sinks.", t.sink_frames);
    counter("sink_drops", "Frames the sinks skipped.", t.sink_drops);
    counter("sink_errors", "Sink write errors.", t.sink_errors);
    counter(
        "source_underruns",
        "Audio source underruns.",
        t.source_underruns,
    );
    counter(
        "source_swaps",
        "Audio sources switched to while running.",
        state.source.swaps(),
    );
    counter(
        "ws_frames_sent",
        "LED frames sent to WebSocket clients.",
        state.ws.frames_sent.load(Ordering::Relaxed),
    );
    counter(
        "ws_frames_skipped",
        "LED frames a slow WebSocket client did not get.",
        state.ws.frames_skipped.load(Ordering::Relaxed),
    );
    counter(
        "ws_clients_dropped",
        "WebSocket clients dropped for being too slow.",
        state.ws.dropped.load(Ordering::Relaxed),
    );
    counter(
        "http_connections_refused",
        "HTTP connections turned away: their client or the server held too many.",
        state.connections.refused(),
    );
    counter(
        "store_write_errors",
        "Settings writes that failed.",
        state.store.write_errors(),
    );
    let source = state.source.current();
    let _ = writeln!(
        out,
        "# HELP k1_source_info The audio source in use, by kind and name: 1 while it plays, 0 once it has ended.\n# TYPE k1_source_info gauge\nk1_source_info{{kind=\"{}\",name=\"{}\"}} {}",
        source.kind,
        source
            .name
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', " "),
        u8::from(!state.shared.sources().ended())
    );
    // Per LED output (no HELP/TYPE lines: each name's samples are its own group).
    for o in state.shared.outputs() {
        let label = o.name.replace('\\', "\\\\").replace('"', "\\\"");
        for (name, v) in [
            ("output_frames_sent_total", o.frames_sent),
            ("output_frames_dropped_total", o.frames_dropped),
            ("output_errors_total", o.errors),
        ] {
            let _ = writeln!(out, "k1_{name}{{output=\"{label}\"}} {v}");
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
}
