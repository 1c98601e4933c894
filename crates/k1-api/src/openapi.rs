//! `GET /api/openapi.json`: the OpenAPI 3.1 document of every route. A test checks it against
//! the router both ways (every documented route answers, every route is documented), and the
//! API fuzz draws its requests from it.

use axum::Json;
use k1_core::palettes::PALETTE_COUNT;
use k1_core::params::{GLOBAL, ParamKind};
use k1_core::render::PATTERN_COUNT;
use serde_json::{Map, Value, json};

/// The WebSocket protocol, as the `/ws` route's description.
pub const WS_DESCRIPTION: &str = "\
WebSocket. Query: `fps` (1..=the render rate, default 60), `token` (when a token is required; \
without it the socket is read-only). On connect the server sends `{\"type\":\"welcome\",\
\"client_id\",\"timestamp\",\"protocol\":1,\"leds\",\"fps\",\"max_fps\",\"read_only\"}`. \
Then binary LED frames at the client's rate: byte 0 'K' (0x4B), byte 1 version 1, bytes 2-3 LED \
count (u16 LE), bytes 4-11 frame index (u64 LE), then R,G,B per LED (after the colour pipeline). \
About 10 times a second a JSON `{\"type\":\"telemetry\",\"timestamp\",\"hop\",\"bpm\",\
\"confidence\",\"beat_phase\",\"vu\",\"onset\",\"beat\",\"silent\",\"spectrum\":[64],\
\"chroma\":[12],\"current_pattern\",\"input\":{\"dbfs\",\"gate\",\"vu\"},\"power\":{\"on\"},\
\"metrics\":{...},\"client\":{...}}` (`input`: the input level in dBFS, at least -90, and the \
silence gate, `open` or `closed`; `power`: the power switch, as GET /api/power). Commands are JSON text \
`{\"type\":T,\"id\"?:any,...}` with T one of `set_params` (`params`: as POST /api/params), \
`get_params`, `select` (`index` or `id`), `reset`, `apply_preset` (`name`), `subscribe` (`fps`, \
`frames`, `telemetry`), `ping`. Each gets `{\"type\":\"ack\",\"command\",\"id\",\"result\"}` \
or `{\"type\":\"error\",\"command\",\"id\",\"error\",\"field\",\"message\",\"status\"}`. A \
client that does not take a message within 2 s is dropped; a slow one gets fewer frames, \
always the newest.";

fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn ok(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn err(description: &str) -> Value {
    ok(description, r("Error"))
}

fn body(schema: Value) -> Value {
    json!({"required": false, "content": {"application/json": {"schema": schema}}})
}

/// The schema of the parameter object (GET) and of a partial update (POST).
fn params_schema(update: bool) -> Value {
    let mut props = Map::new();
    for p in GLOBAL.iter() {
        let name = super::error::api_field(p.name);
        let schema = match p.kind {
            ParamKind::Float { min, max, .. } => {
                let mut schema = json!({"type": "number", "minimum": min, "maximum": max, "description": p.description});
                if let Some(d) = &p.display {
                    // How the value reads to a person, for the web UI (an extension field).
                    schema["x-display"] = super::params::display_json(d);
                }
                schema
            }
            ParamKind::Custom(_) => {
                json!({"type": "number", "minimum": 0, "maximum": 1, "description": p.description})
            }
            ParamKind::Bool { .. } if name == "dithering" => json!({
                "description": p.description,
                "oneOf": [{"type": "integer", "enum": [0, 1]}, {"type": "boolean"}]
            }),
            ParamKind::Bool { .. } => json!({"type": "boolean", "description": p.description}),
            ParamKind::Palette => json!({
                "type": ["integer", "null"], "minimum": 0, "maximum": PALETTE_COUNT - 1,
                "description": "palette index 0..=32 (GET /api/palettes), or null for no palette"
            }),
        };
        props.insert(name.to_string(), schema);
    }
    props.insert(
        "pattern_params".into(),
        json!({"type": "object", "description": "the current pattern's own parameters by name, in their own ranges (GET /api/patterns)", "additionalProperties": true}),
    );
    json!({"type": "object", "properties": props, "additionalProperties": !update})
}

/// The document.
pub fn document() -> Value {
    let select = json!({
        "type": "object",
        "properties": {
            "index": {"type": "integer", "minimum": 0, "maximum": PATTERN_COUNT - 1},
            "id": {"type": "string", "description": "a pattern id or name (GET /api/patterns)"}
        }
    });
    let look = json!({
        "type": "object",
        "properties": {"pattern": {"type": "string"}, "current_pattern": {"type": "integer"}, "parameters": r("Params")}
    });
    let bad = err("bad input: {error, field, message, status}");
    let unauthorized = err("a token is required (listening beyond loopback)");
    let schemas = json!({
        "Error": {
            "type": "object",
            "required": ["error", "message", "status"],
            "properties": {
                "error": {"type": "string"}, "field": {"type": ["string", "null"]},
                "message": {"type": "string"}, "status": {"type": "integer"}
            }
        },
        "Params": params_schema(false),
        "ParamsUpdate": params_schema(true),
        "Select": select,
        "SelectReply": {"type": "object", "properties": {"current_pattern": {"type": "integer"}, "id": {"type": "string"}, "name": {"type": "string"}}},
        "Look": look,
        "Power": {
            "type": "object", "required": ["on"], "additionalProperties": false,
            "properties": {"on": {"type": "boolean", "description": "true: the light is on; false: it fades to black (saved across restarts)"}}
        },
        "AudioConfigUpdate": {
            "type": "object", "additionalProperties": false,
            "properties": {
                "microphone_gain": {"type": "number", "minimum": 0.5, "maximum": 2},
                "calibrate": {"type": "boolean"},
                "calibrate_seconds": {"type": "number", "minimum": 0.5, "maximum": 60},
                "source": {"type": "string", "description": "switch the audio source while K1 runs: demo, mic, mic:NAME, wled-sync, wled-sync:PORT or an audio file path on the K1 machine (not '-': stdin is read once, at the start). The reply comes once the audio thread uses it; the same source as now changes nothing"}
            }
        },
        "InputSelect": {
            "type": "object", "required": ["device"], "additionalProperties": false,
            "properties": {
                "device": {"type": ["string", "null"], "description": "a device name as GET /api/audio/inputs lists it (the exact name first, ignoring case, else the first name containing it), or null for the default device"}
            }
        },
        "Inputs": {
            "type": "object",
            "properties": {
                "available": {"type": "boolean", "description": "false in a build without audio input"},
                "devices": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "default": {"type": "boolean"},
                    "rates": {"type": "array", "items": {"type": "integer"}, "description": "the usual rates (8 to 192 kHz) it can capture at"},
                    "default_rate": {"type": ["integer", "null"]}, "channels": {"type": "integer"},
                    "source": {"type": "string", "description": "the source text that picks it (mic:NAME)"},
                    "in_use": {"type": "boolean"}
                }}},
                "error": {"type": ["string", "null"], "description": "why the devices cannot be listed"},
                "source": {"type": "string"}, "source_name": {"type": "string"}, "source_kind": {"type": "string"},
                "status": {"type": "string", "enum": ["ok", "missing", "not_in_use", "unknown"], "description": "ok: the device in use is plugged in; missing: it is not (the light carries on, K1 retries); not_in_use: the source is not a microphone"},
                "message": {"type": ["string", "null"]}
            }
        },
        "PresetCreate": {
            "type": "object", "required": ["name"], "additionalProperties": false,
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 64},
                "pattern": {"type": "string"},
                "parameters": r("ParamsUpdate")
            }
        },
        "Backup": {
            "type": "object", "required": ["version", "parameters"],
            "properties": {
                "version": {"type": "string"}, "parameters": r("ParamsUpdate"),
                "current_pattern": {"type": "integer"}, "pattern": {"type": "string"},
                "presets": {"type": "object", "additionalProperties": r("Look")},
                "audio": {"type": "object", "properties": {"microphone_gain": {"type": "number"}}},
                "calibration": {"type": ["object", "null"]},
                "outputs": {"type": ["array", "null"], "items": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}, "name": {"type": "string"}, "enabled": {"type": "boolean"}, "delay_ms": {"type": "integer", "minimum": 0, "maximum": 1000}}}},
                "latency": {"oneOf": [r("LatencySaved"), {"type": "null"}]},
                "power": {"oneOf": [r("Power"), {"type": "null"}], "description": "the power switch (a backup without it leaves the switch as it is)"}
            }
        },
        "LatencySaved": {
            "type": "object", "additionalProperties": false,
            "properties": {
                "audio_offset_ms": {"type": "integer", "minimum": -1000, "maximum": 1000, "description": "how late the speaker is heard, ms: every output holds its frames this much longer (negative: shorter, down to no delay)"},
                "output_delays_ms": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 1000}, "description": "each LED output's own delay by output name, ms"}
            }
        },
        "Latency": {
            "type": "object",
            "properties": {
                "audio_offset_ms": {"type": "integer"},
                "max_delay_ms": {"type": "integer"},
                "outputs": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "url": {"type": "string"}, "delay_ms": {"type": "integer"},
                    "effective_delay_ms": {"type": "integer", "description": "delay_ms + audio_offset_ms, limited to 0..=max_delay_ms: how long this output holds each frame"},
                    "unhonoured_ms": {"type": "integer", "description": "the part of the total delay this output cannot apply: below 0 (light cannot be shown before it is drawn) or past max_delay_ms"}
                }}},
                "wizard": {"type": "object", "properties": {"available": {"type": "boolean"}, "running": {"type": "boolean"}}}
            }
        },
        "LatencyMeasure": {
            "type": "object", "additionalProperties": false,
            "properties": {
                "microphone": {"type": "string", "description": "the first input device whose name contains this (default: the default input)"},
                "apply": {"type": "boolean", "description": "set the proposed audio offset at once (and save it)"}
            }
        },
        "Object": {"type": "object"}
    });

    let mut schemas = schemas;
    if let (Value::Object(all), Value::Object(more)) = (&mut schemas, output_schemas()) {
        all.extend(more);
    }
    let obj = r("Object");
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "K1 API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Control of a running K1. Compatible with the original K1 device's API (same routes, field names and shapes), extended. No rate limits; an empty POST body is {}; out-of-range values are a 400 naming the field, never clamped. Requests that change state need `Authorization: Bearer <token>` when K1 listens beyond loopback. See docs/api.md."
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        },
        "paths": {
            "/api/patterns": {"get": {"summary": "Every pattern (original order), its custom parameters with ranges, and the current one", "responses": {"200": ok("patterns", obj.clone())}}},
            "/api/params": {
                "get": {"summary": "The parameters", "responses": {"200": ok("parameters", r("Params"))}},
                "post": {"summary": "Change some parameters (all or nothing)", "requestBody": body(r("ParamsUpdate")),
                    "responses": {"200": ok("the parameters after the change", r("Params")), "400": bad.clone(), "401": unauthorized.clone(), "413": err("body too large")}}
            },
            "/api/select": {"post": {"summary": "Select a pattern by index or id", "requestBody": body(r("Select")),
                "responses": {"200": ok("the pattern", r("SelectReply")), "400": bad.clone(), "401": unauthorized.clone(), "404": err("no such pattern")}}},
            "/api/reset": {"post": {"summary": "Every parameter to its default (the pattern stays)", "requestBody": body(obj.clone()),
                "responses": {"200": ok("the parameters", r("Params")), "401": unauthorized.clone()}}},
            "/api/power": {
                "get": {"summary": "The power switch", "responses": {"200": ok("the switch", r("Power"))}},
                "post": {"summary": "Switch the light on or off: off fades to black in 0.7 s, on fades back (the pattern and analysis carry on; saved across restarts)", "requestBody": body(r("Power")),
                    "responses": {"200": ok("the switch after the change", r("Power")), "400": bad.clone(), "401": unauthorized.clone()}}
            },
            "/api/palettes": {"get": {"summary": "Every palette with 5 preview colours and its keyframes", "responses": {"200": ok("palettes", obj.clone())}}},
            "/api/audio-config": {
                "get": {"summary": "Input gain, the audio source in use and the kinds available, calibration state", "responses": {"200": ok("audio", obj.clone())}},
                "post": {"summary": "Switch the audio source, set the gain or start a noise calibration (all checked first; the source switches before the rest changes)", "requestBody": body(r("AudioConfigUpdate")),
                    "responses": {"200": ok("audio", obj.clone()), "400": bad.clone(), "401": unauthorized.clone(),
                        "404": err("source_not_found: no such file or input device (the old source plays on)"),
                        "503": err("engine_not_running: no audio thread took the new source")}}
            },
            "/api/audio/inputs": {"get": {"summary": "The capture devices plugged in (names, the default marked, rates), which one is in use and whether it is still there", "responses": {"200": ok("inputs", r("Inputs"))}}},
            "/api/audio/input": {"post": {"summary": "Switch to a capture device while K1 runs (saved; the reply comes once the audio thread uses it)", "requestBody": body(r("InputSelect")),
                "responses": {"200": ok("inputs after the switch", r("Inputs")), "400": bad.clone(), "401": unauthorized.clone(),
                    "404": err("input_not_found: no such device plugged in (the message names those that are); the old source plays on"),
                    "503": err("engine_not_running: no audio thread took the new source; inputs_unavailable: the devices cannot be listed")}}},
            "/api/device/info": {"get": {"summary": "Name, version, uptime, LED layout, outputs, auth mode (config_dir only with the token, when one is needed)", "responses": {"200": ok("device", obj.clone())}}},
            "/api/device-info": {"get": {"summary": "The same as /api/device/info (the original client's name for it)", "responses": {"200": ok("device", obj.clone())}}},
            "/api/device/performance": {"get": {"summary": "The engine's metrics: last second and since the start", "responses": {"200": ok("metrics", obj.clone())}}},
            "/api/health": {"get": {"summary": "FPS >= 100, latency p99 < 20 ms, 0 deadline misses, 0 torn reads", "responses": {"200": ok("healthy", obj.clone()), "503": ok("failing or starting, with the figures", obj.clone())}}},
            "/api/test-connection": {"get": {"summary": "The original client's connection probe", "responses": {"200": ok("{status: ok, timestamp: uptime ms, uptime_ms, epoch_ms}", obj.clone())}}},
            "/metrics": {"get": {"summary": "Prometheus text format", "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/api/latency": {
                "get": {"summary": "Latency compensation: the audio offset and each LED output's delay", "responses": {"200": ok("latency", r("Latency"))}},
                "post": {"summary": "Set the audio offset and/or output delays (all checked first; used from the next frame and saved)", "requestBody": body(r("LatencySaved")),
                    "responses": {"200": ok("latency", r("Latency")), "400": bad.clone(), "401": unauthorized.clone()}}
            },
            "/api/latency/measure": {"post": {"summary": "The latency wizard: plays a click train through the speaker, hears it through the microphone and proposes the audio offset (about 5 s)", "requestBody": body(r("LatencyMeasure")),
                "responses": {"200": ok("{measured_ms, proposed_audio_offset_ms, confidence, speaker, microphone, applied, ...latency}", obj.clone()), "400": bad.clone(), "401": unauthorized.clone(),
                    "409": err("measurement_running: one at a time"),
                    "503": err("no_audio_device: no speaker or microphone; measurement_failed: the clicks were not heard clearly or a device failed")}}},
            "/api/config/backup": {"get": {"summary": "Everything the user set, as a file (needs the token when one is in force)", "responses": {"200": ok("backup", r("Backup")), "401": unauthorized.clone()}}},
            "/api/config/restore": {"post": {"summary": "Restore a backup (checked whole before anything changes)", "requestBody": body(r("Backup")),
                "responses": {"200": ok("result", obj.clone()), "400": bad.clone(), "401": unauthorized.clone(), "413": err("body over 1 MiB")}}},
            "/api/presets": {
                "get": {"summary": "The presets", "responses": {"200": ok("presets", obj.clone())}},
                "post": {"summary": "Save a preset (the current look if only a name is given)", "requestBody": body(r("PresetCreate")),
                    "responses": {"200": ok("replaced", obj.clone()), "201": ok("created", obj.clone()), "400": bad.clone(), "401": unauthorized.clone(), "409": err("too many presets")}}
            },
            "/api/presets/{name}": {"delete": {"summary": "Delete a preset",
                "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok("deleted", obj.clone()), "401": unauthorized.clone(), "404": err("no such preset")}}},
            "/api/presets/{name}/apply": {"post": {"summary": "Make a preset current",
                "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": ok("the pattern and parameters", obj.clone()), "401": unauthorized.clone(), "404": err("no such preset")}}},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": ok("OpenAPI 3.1", obj.clone())}}},
            "/ws": {"get": {"summary": "WebSocket: LED frames, telemetry, commands", "description": WS_DESCRIPTION,
                "parameters": [
                    {"name": "fps", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}},
                    {"name": "token", "in": "query", "required": false, "schema": {"type": "string"}}
                ],
                "responses": {"101": {"description": "switching to the WebSocket"}, "400": err("not a WebSocket upgrade, or a bad fps")}}}
        }
    });
    if let (Value::Object(paths), Value::Object(more)) =
        (&mut doc["paths"], output_paths(&bad, &unauthorized))
    {
        paths.extend(more);
    }
    doc
}

/// The schemas of `/api/outputs` (kept apart: one `json!` for the whole document reaches the
/// macro's recursion limit).
fn output_schemas() -> Value {
    json!({
        "OutputUrl": {
            "type": "object", "required": ["url"], "additionalProperties": false,
            "properties": {"url": {"type": "string", "description": "the output as a --out URL (docs/outputs.md): SCHEME://HOST[:PORT]?leds=A-B&name=TEXT&fps=N&delay=MS&…, SCHEME one of ddp, e131 (sacn), artnet, wled, opc, serial, wled-sync"}}
        },
        "Output": {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "description": "kept when the output is edited"},
                "name": {"type": "string"}, "kind": {"type": "string"}, "url": {"type": "string"},
                "leds": {"type": "object", "description": "the LEDs of the frame it sends, start..end (end exclusive)", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}}},
                "fps_limit": {"type": ["number", "null"]}, "delay_ms": {"type": "integer"},
                "frames_sent": {"type": "integer"}, "frames_dropped": {"type": "integer"},
                "errors": {"type": "integer"}, "last_error": {"type": ["string", "null"]},
                "healthy": {"type": "boolean"},
                "testing": {"type": "boolean", "description": "the test pattern shows (or is about to)"}
            }
        },
        "Outputs": {
            "type": "object",
            "properties": {
                "leds": {"type": "integer", "description": "the frame's LED count"},
                "test_seconds": {"type": "integer"},
                "outputs": {"type": "array", "items": r("Output")}
            }
        },
        "Discover": {
            "type": "object", "additionalProperties": false,
            "properties": {"seconds": {"type": "integer", "minimum": 1, "maximum": 10, "description": "how long to listen for mDNS answers (default 3)"}}
        }
    })
}

/// The paths of `/api/outputs`.
fn output_paths(bad: &Value, unauthorized: &Value) -> Value {
    let obj = r("Object");
    let id_param = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}]);
    json!({
            "/api/outputs": {
                "get": {"summary": "The LED outputs with their live status (frames, drops, errors, last error)", "responses": {"200": ok("outputs", r("Outputs"))}},
                "post": {"summary": "Add an output by its --out URL: it starts at once and is saved", "requestBody": body(r("OutputUrl")),
                    "responses": {"201": ok("the output", r("Output")), "400": bad.clone(), "401": unauthorized.clone()}}
            },
            "/api/outputs/discover": {"post": {"summary": "Find WLED devices on the LAN (mDNS _wled._tcp, then each one's /json/info): name, address, LED count and the DDP URL that adds it", "requestBody": body(r("Discover")),
                "responses": {"200": ok("{seconds, devices: [{instance, name, address, port, leds, version, error, url, added}]}", obj.clone()), "400": bad.clone(), "401": unauthorized.clone(),
                    "503": err("discovery_failed: mDNS could not start")}}},
            "/api/outputs/{id}": {
                "post": {"summary": "Replace an output's URL (same id and place), at once; saved", "parameters": id_param.clone(), "requestBody": body(r("OutputUrl")),
                    "responses": {"200": ok("the output", r("Output")), "400": bad.clone(), "401": unauthorized.clone(), "404": err("no output with that id")}},
                "delete": {"summary": "Stop and remove an output; saved", "parameters": id_param.clone(),
                    "responses": {"200": ok("{success, removed}", obj.clone()), "401": unauthorized.clone(), "404": err("no output with that id")}}
            },
            "/api/outputs/{id}/test": {"post": {"summary": "Light the output's LED range in a moving pattern (red, green, blue passes) for 3 s of engine time", "parameters": id_param.clone(), "requestBody": body(obj.clone()),
                "responses": {"200": ok("{success, id, seconds}", obj.clone()), "401": unauthorized.clone(), "404": err("no output with that id"), "409": err("nothing_to_test: a WLED audio-sync output has no LEDs")}}}
    })
}

/// `GET /api/openapi.json`.
pub async fn serve() -> Json<Value> {
    Json(document())
}
