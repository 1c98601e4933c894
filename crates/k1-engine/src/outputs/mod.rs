//! From checked specs to running sinks: one [`OutputSink`] per output, its handle registered in
//! the engine's [`Shared`] so the API can show its counters. The WLED audio-sync sender
//! ([`WledSyncTransport`]) lives here rather than in `k1_io::sinks` because it sends the
//! analysis (read from [`Shared`]), not the frame.

use std::sync::Arc;

use k1_io::outputs::cid;
use k1_io::outputs::{E131Dest, LedRange, OutputHandle, OutputSpec, Target};
use k1_io::sinks::{
    AdalightTransport, ArtNetTransport, DdpTransport, E131Options, E131Transport, OpcTransport,
    OutputSink, Sink, Transport, WledTransport, link_fps,
};

use crate::Shared;

mod wled_sync;

pub use wled_sync::{AnalysisDelay, DEFAULT_INTERVAL, SyncPacer, WledSyncTransport};

/// The sink for `spec` on a frame of `total` LEDs, registered in `shared`. `lowest_note` (MIDI,
/// spectrum bin 0) is for the audio-sync sender. Errors when the LED range does not fit.
pub fn build_sink(
    spec: &OutputSpec,
    total: usize,
    shared: &Arc<Shared>,
    lowest_note: u8,
) -> Result<Box<dyn Sink>, String> {
    let (sink, handle) = make_sink(spec, total, shared, lowest_note)?;
    shared.register_output(handle);
    Ok(sink)
}

/// Starts the output `spec` on a running (or about to run) engine: builds its sink on the
/// caller's thread, registers its counters and leaves it on the [`Shared::board`], where the
/// engine gives it a thread of its own. Returns its id (for [`replace_output`],
/// [`stop_output`] and [`OutputBoard::test`](crate::OutputBoard::test)). Errors, changing
/// nothing, when its LED range does not fit the frame.
pub fn start_output(shared: &Arc<Shared>, spec: &OutputSpec) -> Result<u64, String> {
    let total = shared.layout().leds();
    let (sink, handle) = make_sink(spec, total, shared, shared.board().lowest_note())?;
    shared.register_output(Arc::clone(&handle));
    Ok(shared.board().start(sink, handle))
}

/// Replaces output `id` by `spec`, in the same place and with the same id; the old sink is
/// finished. `Ok(false)` if no output has that id; an error, changing nothing, when the new
/// LED range does not fit.
pub fn replace_output(shared: &Arc<Shared>, id: u64, spec: &OutputSpec) -> Result<bool, String> {
    if !shared.board().list().iter().any(|e| e.id == id) {
        return Ok(false);
    }
    let total = shared.layout().leds();
    let (sink, handle) = make_sink(spec, total, shared, shared.board().lowest_note())?;
    match shared.board().replace(id, sink, Arc::clone(&handle)) {
        Some(old) => {
            // The output keeps the delay it had (set over the API, say) unless the new URL
            // gives one: an edit of its range must not turn its latency compensation off.
            if spec.delay_ms.is_none() {
                handle.set_delay_ms(old.delay_ms());
            }
            shared.output_registry().replace(&old, handle);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Stops output `id` (its sink is finished on its thread) and removes its counters; false if
/// no output has that id.
pub fn stop_output(shared: &Shared, id: u64) -> bool {
    match shared.board().stop(id) {
        Some(old) => {
            shared.output_registry().unregister(&old);
            true
        }
        None => false,
    }
}

/// The sink for `spec` and its handle, not registered.
fn make_sink(
    spec: &OutputSpec,
    total: usize,
    shared: &Arc<Shared>,
    lowest_note: u8,
) -> Result<(Box<dyn Sink>, Arc<OutputHandle>), String> {
    let range = match spec.target {
        Target::WledSync { .. } => LedRange { start: 0, end: 0 },
        _ => spec.range_for(total)?,
    };
    let mut fps = spec.fps;
    let transport: Box<dyn Transport> = match &spec.target {
        Target::Ddp { host, port } => Box::new(DdpTransport::new(host, *port)),
        Target::E131 {
            dest,
            universe,
            priority,
            source,
            sync,
            cid,
        } => {
            let opts = E131Options {
                universe: *universe,
                priority: *priority,
                source: source.clone(),
                sync: *sync,
                cid: cid.unwrap_or_else(|| cid::derived(&spec.url)),
            };
            match dest {
                E131Dest::Unicast(host, port) => {
                    Box::new(E131Transport::unicast(host, *port, opts))
                }
                E131Dest::Multicast(port) => Box::new(E131Transport::multicast(*port, opts)),
            }
        }
        Target::ArtNet {
            host,
            port,
            address,
            sync,
        } => Box::new(ArtNetTransport::new(host, *port, *address, *sync)),
        Target::Wled {
            host,
            port,
            timeout,
        } => Box::new(WledTransport::new(host, *port, *timeout)),
        Target::Opc {
            host,
            port,
            channel,
        } => Box::new(OpcTransport::new(host, *port, *channel)),
        Target::Serial { path, baud } => {
            // No faster than the link carries, unless `fps=max` asked for every frame.
            fps = fps.map(|f| f.min(link_fps(*baud, range.len())));
            Box::new(AdalightTransport::new(path, *baud))
        }
        Target::WledSync { host, port } => {
            // Woken with every frame; it keeps its own pace, `fps` packets a second at most.
            let rate = fps.unwrap_or(k1_io::outputs::SYNC_FPS);
            fps = None;
            Box::new(WledSyncTransport::new(
                host,
                *port,
                Arc::clone(shared),
                lowest_note,
                std::time::Duration::from_secs_f64(1.0 / rate),
            ))
        }
    };
    let handle = Arc::new(OutputHandle::new(spec, range));
    // The audio-sync sender delays the analysis it sends by the audio offset itself.
    let delays_itself = matches!(spec.target, Target::WledSync { .. });
    let sink = OutputSink::new(transport, Arc::clone(&handle), range, fps)
        .sharing_a_thread(never_blocks(&spec.target))
        .delaying_itself(delays_itself);
    Ok((Box::new(sink), handle))
}

/// True for the UDP outputs whose destination is an IP address (or a multicast group): their
/// sends never block, so they may share a thread. A host name needs a lookup, which can block
/// (and is redone after a failure), and TCP and serial writes wait: those get their own thread.
fn never_blocks(target: &Target) -> bool {
    let literal = |host: &str| host.parse::<std::net::IpAddr>().is_ok();
    match target {
        Target::Ddp { host, .. } | Target::ArtNet { host, .. } | Target::Wled { host, .. } => {
            literal(host)
        }
        Target::E131 { dest, .. } => match dest {
            E131Dest::Unicast(host, _) => literal(host),
            E131Dest::Multicast(_) => true,
        },
        Target::WledSync { host, .. } => literal(host),
        Target::Opc { .. } | Target::Serial { .. } => false,
    }
}

/// [`build_sink`] for each spec, in order; the first that does not fit is an error naming it.
pub fn build_sinks(
    specs: &[OutputSpec],
    total: usize,
    shared: &Arc<Shared>,
    lowest_note: u8,
) -> Result<Vec<Box<dyn Sink>>, String> {
    specs
        .iter()
        .map(|s| {
            build_sink(s, total, shared, lowest_note)
                .map_err(|e| format!("output \"{}\": {e}", s.url))
        })
        .collect()
}
