//! `k1 bench mic`: what capturing from a sound server costs.
//!
//! On desktop Linux the microphone comes from PulseAudio, or PipeWire's pulse server. K1 reaches
//! it through cpal's own PulseAudio host when a server answers (ALSA's pulse plugin made cpal's
//! ALSA capture thread poll in a loop). This benchmark sets the path up itself: a private
//! PulseAudio server with a null sink (its own runtime directory and socket, stopped at the end),
//! the file played into the sink with `paplay`, and `k1 run --input mic` capturing the sink's
//! monitor (the server's default source) with `PULSE_SERVER` pointing at the private server. The
//! same file then runs directly (`k1 run --input FILE`). Both are child processes of this one;
//! each one's CPU time (the sum of its threads' `/proc/PID/task/*/schedstat`, nanoseconds on a
//! CPU) is read over the same wall interval after a warm-up, so the difference is what capture
//! adds. `--binary` measures another k1 build the same way (before/after). Linux only.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::measure_args::BenchMicArgs;

/// Capture may add at most this share of one core, percent.
const TARGET_PERCENT: f64 = 1.0;
/// How long the private server may take to accept connections.
const SERVER_START: Duration = Duration::from_secs(10);
/// How long a run may take to stop after its `--duration`; then it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// What to install when a tool is missing.
const INSTALL: &str = "apt-get install pulseaudio pulseaudio-utils libasound2-plugins";

/// Runs `k1 bench mic` and prints its figures.
pub fn run(args: BenchMicArgs) -> anyhow::Result<()> {
    if !args.file.is_file() {
        anyhow::bail!("no audio file at {}", args.file.display());
    }
    for tool in ["pulseaudio", "paplay", "pactl"] {
        if find_in_path(tool).is_none() {
            anyhow::bail!("`{tool}` is not on PATH: this benchmark needs PulseAudio ({INSTALL})");
        }
    }
    if pulse_plugin().is_none() {
        k1_io::messages::warn(format!(
            "ALSA's pulse plugin (libasound_module_pcm_pulse.so) is not installed ({INSTALL}): \
             a k1 without cpal's PulseAudio host (--binary from before it) cannot capture"
        ));
    }
    let exe = match &args.binary {
        Some(path) if path.is_file() => path.clone(),
        Some(path) => anyhow::bail!("no k1 binary at {}", path.display()),
        None => std::env::current_exe()?,
    };
    let dir = PrivateDir::create()?;
    let server = Server::start(&dir.0)?;
    let file = args.file.display().to_string();
    let mic = measure(&exe, &server, &args, "mic", true)?;
    let direct = measure(&exe, &server, &args, &file, false)?;
    drop(server);

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "bench mic: {} played into a private PulseAudio null sink, {} s measured per run of {}",
        args.file.display(),
        args.window.seconds,
        exe.display()
    )?;
    for (label, m) in [("mic", &mic), ("file", &direct)] {
        writeln!(
            out,
            "  {label:<10} {:.2} % of one core (all threads)",
            m.percent
        )?;
        for (name, p) in &m.threads {
            writeln!(out, "    thread {name:<14} {p:.2} %")?;
        }
    }
    if let Some(note) = &mic.period {
        writeln!(out, "  period     {note}")?;
    }
    let added = mic.percent - direct.percent;
    let pass = added < TARGET_PERCENT;
    writeln!(
        out,
        "  {}  capture adds {added:.2} % of one core (target < {TARGET_PERCENT} %)",
        if pass { "PASS" } else { "FAIL" }
    )?;
    out.flush()?;
    if !pass {
        anyhow::bail!("the capture CPU target was missed (see above)");
    }
    Ok(())
}

/// The benchmark's own directory (the server's socket and state, the runs' logs), removed when
/// dropped.
struct PrivateDir(PathBuf);

impl PrivateDir {
    fn create() -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!("k1-bench-mic-{}", std::process::id()));
        std::fs::create_dir_all(&path)
            .map_err(|e| anyhow::anyhow!("creating {}: {e}", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A private PulseAudio server, stopped when dropped.
struct Server {
    child: Child,
    /// `unix:` plus its socket.
    address: String,
    dir: PathBuf,
}

impl Server {
    /// Starts `pulseaudio` with a null sink (`k1bench`) and a socket in `dir`, and waits until
    /// `pactl` can talk to it.
    fn start(dir: &Path) -> anyhow::Result<Self> {
        let socket = dir.join("native");
        let script = dir.join("k1-bench.pa");
        std::fs::write(
            &script,
            format!(
                "load-module module-null-sink sink_name=k1bench\n\
                 load-module module-native-protocol-unix auth-anonymous=1 socket={}\n\
                 set-default-sink k1bench\n\
                 set-default-source k1bench.monitor\n",
                socket.display()
            ),
        )?;
        let log = std::fs::File::create(dir.join("pulseaudio.log"))?;
        let child = Command::new("pulseaudio")
            .args([
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--log-target=stderr",
                "-n",
                "-F",
            ])
            .arg(&script)
            .env("XDG_RUNTIME_DIR", dir)
            .env("PULSE_RUNTIME_PATH", dir.join("runtime"))
            .env("PULSE_STATE_PATH", dir.join("state"))
            .env("HOME", dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| anyhow::anyhow!("starting pulseaudio: {e}"))?;
        let mut server = Self {
            child,
            address: format!("unix:{}", socket.display()),
            dir: dir.to_path_buf(),
        };
        let start = Instant::now();
        loop {
            let ok = Command::new("pactl")
                .arg("info")
                .env("PULSE_SERVER", &server.address)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                anyhow::bail!("pulseaudio exited ({status}): {}", server.log_tail());
            }
            if start.elapsed() > SERVER_START {
                anyhow::bail!(
                    "pulseaudio did not accept connections within {} s: {}",
                    SERVER_START.as_secs(),
                    server.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The last lines of the server's log, for an error message.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("pulseaudio.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().rev().take(5).collect();
        lines.into_iter().rev().collect::<Vec<_>>().join(" | ")
    }

    /// `paplay FILE` into the null sink.
    fn play(&self, file: &Path) -> anyhow::Result<Killed> {
        Command::new("paplay")
            .arg(file)
            .env("PULSE_SERVER", &self.address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(Killed)
            .map_err(|e| anyhow::anyhow!("starting paplay: {e}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A child process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One run's figures.
struct Measured {
    /// CPU share of the whole process, percent of one core.
    percent: f64,
    /// Each thread's share, by name (threads of one name summed).
    threads: Vec<(String, f64)>,
    /// The capture period k1 reported, if it did.
    period: Option<String>,
}

/// Runs `k1 run --input INPUT` (with the file playing into the sink when `play` is set) and
/// measures its CPU over the measured seconds after the warm-up.
fn measure(
    exe: &Path,
    server: &Server,
    args: &BenchMicArgs,
    input: &str,
    play: bool,
) -> anyhow::Result<Measured> {
    let mut player = if play {
        Some(server.play(&args.file)?)
    } else {
        None
    };
    let log_path = server
        .dir
        .join(format!("run-{}.log", if play { "mic" } else { "file" }));
    let log = std::fs::File::create(&log_path)?;
    let total = args.window.warmup + args.window.seconds + 2;
    let child = Command::new(exe)
        .args([
            "run",
            "--input",
            input,
            "--no-preview",
            "--no-playback",
            "--no-http",
        ])
        .arg("--duration")
        .arg(format!("{total}s"))
        .env("PULSE_SERVER", &server.address)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .map_err(|e| anyhow::anyhow!("starting {}: {e}", exe.display()))?;
    let mut run = Killed(child);
    let pid = run.0.id();
    let wait = |d: Duration, run: &mut Killed, player: &mut Option<Killed>| -> anyhow::Result<()> {
        let end = Instant::now() + d;
        while Instant::now() < end {
            if let Ok(Some(status)) = run.0.try_wait() {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                anyhow::bail!("k1 run --input {input} stopped early ({status}):\n{log}");
            }
            // paplay plays the file once: start it again if it ended.
            if let Some(p) = player.as_mut()
                && matches!(p.0.try_wait(), Ok(Some(_)))
            {
                *player = Some(server.play(&args.file)?);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    };
    // CPU readings at the end of the warm-up and of the measured interval.
    let mut readings = Vec::with_capacity(2);
    for secs in [args.window.warmup, args.window.seconds] {
        wait(Duration::from_secs(secs.into()), &mut run, &mut player)?;
        readings.push((Instant::now(), thread_cpu(pid)));
    }
    let [(t0, c0), (t1, c1)] = <[_; 2]>::try_from(readings)
        .map_err(|_| anyhow::anyhow!("the CPU readings are incomplete"))?;
    let wall = t1.duration_since(t0).as_secs_f64().max(1e-9);
    // Let it stop by itself (its duration), then kill it: it may hang in the device's close.
    let stop = Instant::now() + Duration::from_secs(2) + STOP_GRACE;
    while Instant::now() < stop && matches!(run.0.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(run);
    drop(player);
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let period = log
        .lines()
        .find(|l| l.contains("per callback"))
        .map(|l| l.trim_start_matches("k1: ").to_string());
    let mut threads: Vec<(String, f64)> = Vec::new();
    let mut sum = 0.0;
    for (tid, name, ns) in &c1 {
        let before = c0.iter().find(|t| t.0 == *tid).map_or(0, |t| t.2);
        let share = 100.0 * ns.saturating_sub(before) as f64 / 1e9 / wall;
        sum += share;
        match threads.iter_mut().find(|t| t.0 == *name) {
            Some(t) => t.1 += share,
            None => threads.push((name.clone(), share)),
        }
    }
    if c1.is_empty() {
        anyhow::bail!("cannot read /proc/{pid}/task/*/schedstat (Linux only)");
    }
    threads.retain(|t| t.1 >= 0.005);
    Ok(Measured {
        percent: sum,
        threads,
        period,
    })
}

/// Every live thread of `pid`: its id, name and nanoseconds on a CPU.
fn thread_cpu(pid: u32) -> Vec<(u32, String, u64)> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| {
            let tid = e.file_name().to_str()?.parse().ok()?;
            let name = std::fs::read_to_string(e.path().join("comm")).ok()?;
            let stat = std::fs::read_to_string(e.path().join("schedstat")).ok()?;
            Some((tid, name.trim().to_string(), parse_schedstat(&stat)?))
        })
        .collect()
}

/// The first field of a `schedstat` line: nanoseconds spent on a CPU.
fn parse_schedstat(text: &str) -> Option<u64> {
    text.split_whitespace().next()?.parse().ok()
}

/// The first executable called `name` in `PATH`.
fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Where ALSA's pulse PCM plugin is installed, if it is.
fn pulse_plugin() -> Option<PathBuf> {
    const NAME: &str = "libasound_module_pcm_pulse.so";
    let mut dirs = vec![PathBuf::from("/usr/lib/alsa-lib")];
    if let Ok(entries) = std::fs::read_dir("/usr/lib") {
        dirs.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.path().join("alsa-lib")),
        );
    }
    dirs.push(PathBuf::from("/usr/lib64/alsa-lib"));
    dirs.into_iter().map(|d| d.join(NAME)).find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_time_on_cpu_from_schedstat() {
        assert_eq!(parse_schedstat("123456789 2000 31\n"), Some(123_456_789));
        assert_eq!(parse_schedstat(""), None);
        assert_eq!(parse_schedstat("n/a 1 2"), None);
    }
}
