//! Setting up the two hot threads: each on a core of its own, at real-time priority, where the
//! OS allows. Either can be refused (a container without CAP_SYS_NICE, a one-core machine); the
//! engine then runs as an ordinary thread and says so.

use k1_io::events::{Event, Events};

/// SCHED_FIFO priority of the audio thread: above the renderer, since a lost hop is lost audio.
pub const AUDIO_PRIORITY: i32 = 60;
/// SCHED_FIFO priority of the render thread.
pub const RENDER_PRIORITY: i32 = 55;
/// SCHED_FIFO priority of the sink threads: below the two hot loops, above everything else, so
/// a busy machine delays a frame on its way to the LEDs no more than it delays the frame itself.
/// Sink writes never spin: a sink blocks only in bounded I/O waits.
pub const SINK_PRIORITY: i32 = 50;

/// Pins the calling thread to `core` and raises it to real-time `priority`, reporting the
/// outcome of each (a detail when it worked, a warning when it was refused).
pub fn prepare(
    what: &str,
    core: Option<core_affinity::CoreId>,
    priority: Option<i32>,
    events: &Events,
) {
    if let Some(core) = core {
        if core_affinity::set_for_current(core) {
            events.send(Event::Detail(format!(
                "{what} thread pinned to core {}",
                core.id
            )));
        } else {
            events.warn(format!(
                "could not pin the {what} thread to core {} (not allowed here); it runs unpinned",
                core.id
            ));
        }
    }
    if let Some(priority) = priority {
        match set_realtime(priority) {
            Ok(()) => events.send(Event::Detail(format!(
                "{what} thread at real-time priority {priority} (SCHED_FIFO)"
            ))),
            Err(e) => events.warn(format!(
                "could not give the {what} thread real-time priority ({e}); it runs at normal \
                 priority and may miss deadlines on a busy machine"
            )),
        }
    }
}

/// Switches the calling thread to SCHED_FIFO at `priority`.
#[cfg(target_os = "linux")]
fn set_realtime(priority: i32) -> std::io::Result<()> {
    let param = libc::sched_param {
        sched_priority: priority,
    };
    // SAFETY: `pthread_self()` is the calling thread, which is alive, and `param` is a valid
    // `sched_param` for the duration of the call; the call reads it and changes nothing else.
    let rc = unsafe { libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_FIFO, &param) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::from_raw_os_error(rc))
    }
}

/// Real-time priority is only implemented on Linux.
#[cfg(not(target_os = "linux"))]
fn set_realtime(_priority: i32) -> std::io::Result<()> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "not implemented on this OS",
    ))
}
