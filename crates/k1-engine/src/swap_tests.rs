//! The swap point on the real engine threads: a source chosen while running that ends leaves the
//! engine running (idle, `ended`), a new source handed over through the mailbox is installed
//! between hops and answered, a source that fails to install leaves the old one playing, and the
//! analysis (the hop counter) goes on across every swap.
//!
//! The engine runs on a [`LockstepClock`] (virtual time, unpaced), so "no hops while idle" is
//! checked over a span of the engine's own time and rendering is checked frame by frame; the
//! wall clock only bounds how long the controller waits for what must happen.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::*;
use k1_io::clock::LockstepClock;
use k1_io::sinks::NullSink;
use k1_io::sources::ClipSource;
use k1_io::sources::live::Paced;

type Reply = tokio::sync::oneshot::Receiver<Result<(), String>>;

fn paced(name: &str, seconds: f32, loops: u32) -> OpenSource {
    let samples: Vec<f32> = (0..(12_800.0 * seconds) as usize)
        .map(|i| (i as f32 * 0.2).sin() * 0.3)
        .collect();
    let clip = ClipSource::new(name.into(), &samples, 12_800, loops, 12_800).unwrap();
    let name = name.to_string();
    Box::new(move || Ok(Box::new(Paced::new(clip, name, 12_800, 64)) as Box<dyn LiveSource>))
}

fn offer(shared: &Shared, name: &str, install: OpenSource) -> Reply {
    let (done, rx) = tokio::sync::oneshot::channel();
    shared.sources().offer(Handover {
        install,
        name: name.into(),
        ends_run: false,
        done,
    });
    rx
}

/// How long (wall time) the controller waits for something that must happen before it fails.
const PATIENCE: Duration = Duration::from_secs(60);

/// Waits (up to [`PATIENCE`]) for the audio loop's answer.
fn answer(mut rx: Reply) -> Result<(), String> {
    let t = Instant::now();
    loop {
        match rx.try_recv() {
            Ok(r) => return r,
            Err(tokio::sync::oneshot::error::TryRecvError::Empty) => {
                assert!(t.elapsed() < PATIENCE, "no answer in {PATIENCE:?}");
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => panic!("the handover was dropped: {e}"),
        }
    }
}

fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let t = Instant::now();
    while !cond() {
        assert!(t.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[derive(Default)]
struct Events(Vec<Event>);

impl Supervisor for Events {
    fn event(&mut self, event: &Event) {
        self.0.push(event.clone());
    }
    fn second(&mut self, _window: &Metrics, _total: &Metrics) {}
}

#[test]
fn sources_are_swapped_between_hops_and_an_ended_one_leaves_the_engine_running() {
    let config = EngineConfig::new(k1_core::Config::DEFAULT, 200, 320);
    let shared = Arc::new(Shared::new(config.layout, config.settings));
    let clock = LockstepClock::new(&[AUDIO_THREAD, RENDER_THREAD]);
    let stop = Arc::new(AtomicBool::new(false));
    // Chosen while running (not on the command line): its end must not stop the run.
    shared.sources().set_first_ends_run(false);
    let controller = {
        let (shared, clock, stop) = (Arc::clone(&shared), clock.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            // Whatever the checks find, the engine is stopped at the end.
            struct StopOnDrop(Arc<AtomicBool>);
            impl Drop for StopOnDrop {
                fn drop(&mut self) {
                    self.0.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            let _stop = StopOnDrop(stop);
            let hop = || shared.latest().snapshot.hop;
            wait_for("the short first clip to end", || shared.sources().ended());
            let at_end = hop();
            // Half a second of the engine's time with no source.
            let idle_until = clock.now() + SECOND / 2;
            wait_for("half a second idle", || clock.now() >= idle_until);
            assert_eq!(hop(), at_end, "no hops while idle");

            answer(offer(&shared, "song", paced("song", 10.0, 1))).unwrap();
            assert!(!shared.sources().ended());
            wait_for("hops from the new source", || hop() > at_end + 20);

            // A source that fails to install: the old one plays on.
            let broken: OpenSource = Box::new(|| Err(LiveError::Device("unplugged".into())));
            let err = answer(offer(&shared, "broken", broken)).unwrap_err();
            assert!(err.contains("unplugged"), "{err}");
            let before = hop();
            wait_for("hops after the failed swap", || hop() > before + 20);
            assert!(!shared.sources().ended());
        })
    };
    let mut events = Events::default();
    let outcome = run_shared(
        &config,
        &shared,
        paced("intro", 0.3, 1),
        vec![Box::new(NullSink)],
        &clock,
        &stop,
        &mut events,
    )
    .unwrap();
    controller.join().expect("the controller's checks");
    assert_eq!(outcome.reason, StopReason::Requested, "{:?}", events.0);
    let notes: Vec<&str> = events
        .0
        .iter()
        .filter_map(|e| match e {
            Event::Note(m) => Some(m.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        notes.iter().any(|n| n.starts_with("end of input: intro")),
        "{notes:?}"
    );
    assert!(notes.contains(&"audio source: song"), "{notes:?}");
    let m = &outcome.metrics;
    // Rendering went on through every swap: a frame at every deadline, none late.
    assert!(m.frames.abs_diff((m.seconds * 200.0) as u64) <= 2, "{m:?}");
    assert_eq!((m.frame_misses, m.torn_reads), (0, 0), "{m:?}");
}
