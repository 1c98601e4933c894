//! `k1 eval`: audio files with ground truth, analysed exactly as `k1 analyze` does it, then
//! scored with k1-eval (mir_eval's beat, tempo and onset metrics).
//!
//! This module finds the clips and their truth files and runs the analysis; [`super::eval_report`]
//! scores each clip and prints the table or the JSON. Every truth file is read before the first
//! clip is analysed, so a missing or malformed one stops the run at once.

use std::ffi::OsString;
use std::io::{ErrorKind, IsTerminal};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use k1_core::Config;
use k1_offline::analyze::{self, AnalyzeError, global_tempo};
use k1_offline::report::Report;

use super::eval_report::{self, ClipResult, Summary};
use crate::cli::{EvalJob, Input};

/// The extensions of the audio files a folder is searched for (compared ignoring case).
pub const AUDIO_EXTENSIONS: [&str; 4] = ["wav", "flac", "mp3", "ogg"];

/// One audio file to evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct Clip {
    /// The path below the PATH argument it was found under, without its extension and with `/`
    /// between folders; a file given directly is named by its stem.
    pub name: String,
    /// The audio file.
    pub path: PathBuf,
}

/// A clip's ground truth, as read from its truth files (`None`: no such file).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Truth {
    /// Reference beat times in seconds; empty when the clip has no pulse.
    pub beats: Option<Vec<f64>>,
    /// Reference tempo in BPM; 0 when the clip has no pulse.
    pub bpm: Option<f64>,
    /// Reference onset times in seconds.
    pub onsets: Option<Vec<f64>>,
}

/// Runs `k1 eval`.
pub fn run(job: EvalJob) -> anyhow::Result<()> {
    let clips = find_clips(&job.paths)?;
    let truths = clips
        .iter()
        .map(|clip| Truth::load(&clip.path, job.truth.as_deref()))
        .collect::<anyhow::Result<Vec<_>>>()?;

    let bar = progress_bar(clips.len());
    let mut results: Vec<ClipResult> = Vec::with_capacity(clips.len());
    for (clip, truth) in clips.iter().zip(&truths) {
        bar.set_message(clip.name.clone());
        let report = analyse(&clip.path, job.config, &bar);
        let report = match report {
            Ok(report) => report,
            Err(err) => {
                bar.finish_and_clear();
                return Err(err);
            }
        };
        results.push(eval_report::score(clip, &report, truth, job.skip));
        bar.inc(1);
    }
    bar.finish_and_clear();

    let summary = Summary::of(&results);
    let stdout = std::io::stdout().lock();
    if job.json {
        eval_report::write_json(stdout, &results, &summary)?;
    } else {
        eval_report::write_table(stdout, &results, &summary, job.skip)?;
    }
    Ok(())
}

/// A bar over the clips on stderr, hidden unless stderr is a terminal (as `k1 analyze`'s).
fn progress_bar(clips: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(clips as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} evaluating [{bar:30}] {pos}/{len} {msg}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Analyses one file as `k1 analyze` does (same source, analyser, global tempo and report).
/// A file the decoder had to skip packets of, or that ended early, is an error here: its
/// scores against the whole truth would be wrong.
fn analyse(path: &Path, config: Config, bar: &ProgressBar) -> anyhow::Result<Report> {
    let mut analyzer = super::new_analyzer(config)?;
    let mut source = super::open_source(&Input::File(path.to_path_buf()), &config)?;
    let analysis = analyze::run(&mut *source, &mut analyzer, &mut analyze::IgnoreHops).map_err(
        |e| match e {
            // Source errors name the file already.
            AnalyzeError::Source(source) => anyhow::Error::new(source),
            other => anyhow::Error::new(other).context(format!("analysing {}", path.display())),
        },
    )?;
    let stats = source.stats();
    if let Some(damage) = stats.damage_summary(source.info().input_rate) {
        bail!(
            "{}: {damage}; it cannot be scored against its truth",
            path.display()
        );
    }
    let replaced = stats.non_finite + analysis.core_bad_samples;
    if replaced > 0 {
        bar.suspend(|| {
            k1_io::messages::warn(format!(
                "{}: replaced {replaced} non-finite (NaN/Inf) samples with 0",
                path.display()
            ));
        });
    }
    let tempo = global_tempo(&analysis.tempo);
    Ok(Report::new(
        source.info(),
        &stats,
        config.hop,
        analysis,
        tempo,
    ))
}

/// The clips under `paths`: a file as itself, a folder searched recursively for files with an
/// [`AUDIO_EXTENSIONS`] extension, sorted by path. A path that does not exist, or a folder with
/// no audio in it, is an error.
pub fn find_clips(paths: &[PathBuf]) -> anyhow::Result<Vec<Clip>> {
    let mut clips = Vec::new();
    for root in paths {
        let meta =
            std::fs::metadata(root).with_context(|| format!("cannot read {}", root.display()))?;
        if !meta.is_dir() {
            let name = root.file_stem().unwrap_or(root.as_os_str());
            clips.push(Clip {
                name: name.to_string_lossy().into_owned(),
                path: root.clone(),
            });
            continue;
        }
        let mut found = Vec::new();
        walk(root, &mut found)?;
        if found.is_empty() {
            bail!(
                "no audio files ({}) in {}",
                AUDIO_EXTENSIONS.map(|e| format!(".{e}")).join(", "),
                root.display()
            );
        }
        found.sort();
        for path in found {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            clips.push(Clip {
                name: slash_name(&relative.with_extension("")),
                path,
            });
        }
    }
    Ok(clips)
}

/// Adds the audio files in `dir` and its subfolders to `out` (symbolic links to files are
/// followed, those to folders are not, so a link loop cannot trap the walk).
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot read {}", path.display()))?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if (kind.is_file() || (kind.is_symlink() && path.is_file())) && is_audio(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// True if `path` ends in one of [`AUDIO_EXTENSIONS`], in any case.
fn is_audio(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| AUDIO_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(e)))
}

/// `path`'s components joined with `/` on every platform.
fn slash_name(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The truth file with extension `ext` for `audio`: its stem plus `.ext`, in `truth_dir` or
/// beside the audio. The stem keeps its own dots (`a.b.flac` → `a.b.beats`).
pub fn truth_path(audio: &Path, truth_dir: Option<&Path>, ext: &str) -> PathBuf {
    let mut name: OsString = audio.file_stem().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(ext);
    let dir = truth_dir.unwrap_or_else(|| audio.parent().unwrap_or(Path::new("")));
    dir.join(name)
}

impl Truth {
    /// Reads the `.beats`, `.bpm` and `.onsets` files of `audio` (see [`truth_path`]). At least
    /// one of `.beats` and `.bpm` must exist; a line that is not a number is an error naming
    /// the file and the line.
    pub fn load(audio: &Path, truth_dir: Option<&Path>) -> anyhow::Result<Self> {
        let beats_path = truth_path(audio, truth_dir, "beats");
        let bpm_path = truth_path(audio, truth_dir, "bpm");
        let beats = read_numbers(&beats_path)?;
        let bpm = match read_numbers(&bpm_path)? {
            None => None,
            Some(values) => match values.as_slice() {
                [bpm] => Some(*bpm),
                _ => bail!(
                    "{}: expected one tempo in BPM, found {} numbers",
                    bpm_path.display(),
                    values.len()
                ),
            },
        };
        if beats.is_none() && bpm.is_none() {
            bail!(
                "no ground truth for {}: expected {} or {}",
                audio.display(),
                beats_path.display(),
                bpm_path.display()
            );
        }
        let onsets = read_numbers(&truth_path(audio, truth_dir, "onsets"))?;
        Ok(Self { beats, bpm, onsets })
    }
}

/// The numbers in `path`, one per line (blank lines skipped), or `None` if there is no such
/// file. Each must be finite and not negative: times in seconds, or a tempo.
pub fn read_numbers(path: &Path) -> anyhow::Result<Option<Vec<f64>>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(anyhow!("cannot read {}: {err}", path.display())),
    };
    let mut values = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match line.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => values.push(v),
            _ => bail!(
                "{}:{}: not a number of 0 or more: {line:?}",
                path.display(),
                index + 1
            ),
        }
    }
    Ok(Some(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_paths_keep_dots_in_the_stem() {
        let p = truth_path(Path::new("d/a.b.flac"), None, "beats");
        assert_eq!(p, PathBuf::from("d/a.b.beats"));
        let p = truth_path(Path::new("x.wav"), None, "bpm");
        assert_eq!(p, PathBuf::from("x.bpm"));
        let p = truth_path(Path::new("d/a.b.flac"), Some(Path::new("t")), "onsets");
        assert_eq!(p, PathBuf::from("t/a.b.onsets"));
    }

    #[test]
    fn numbers_are_read_line_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.beats");
        assert_eq!(read_numbers(&path).unwrap(), None);
        std::fs::write(&path, "0.5\n 1.0 \n\n1.5\n").unwrap();
        assert_eq!(read_numbers(&path).unwrap(), Some(vec![0.5, 1.0, 1.5]));
        std::fs::write(&path, "").unwrap();
        assert_eq!(read_numbers(&path).unwrap(), Some(vec![]));
        for bad in ["0.5\nabc\n", "0.5\n\n-1\n", "0.5\n1 2\n", "inf\n"] {
            std::fs::write(&path, bad).unwrap();
            let err = format!("{:#}", read_numbers(&path).unwrap_err());
            assert!(err.contains("x.beats:"), "{err}");
        }
        std::fs::write(&path, "0.5\nabc\n").unwrap();
        let err = format!("{:#}", read_numbers(&path).unwrap_err());
        assert!(err.contains("x.beats:2:"), "{err}");
    }

    #[test]
    fn a_bpm_file_holds_one_number() {
        let dir = tempfile::tempdir().unwrap();
        let audio = dir.path().join("c.wav");
        std::fs::write(dir.path().join("c.bpm"), "120\n").unwrap();
        assert_eq!(Truth::load(&audio, None).unwrap().bpm, Some(120.0));
        std::fs::write(dir.path().join("c.bpm"), "120\n121\n").unwrap();
        assert!(Truth::load(&audio, None).is_err());
        std::fs::write(dir.path().join("c.bpm"), "\n").unwrap();
        assert!(Truth::load(&audio, None).is_err());
    }

    #[test]
    fn folders_are_walked_in_order_and_named_relatively() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        for f in [
            "z.WAV",
            "b/c/y.v2.flac",
            "b/a.ogg",
            "b/notes.txt",
            "b/x.beats",
        ] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        let clips = find_clips(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<&str> = clips.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["b/a", "b/c/y.v2", "z"]);
        let file = dir.path().join("b/a.ogg");
        assert_eq!(find_clips(&[file]).unwrap()[0].name, "a");
        let empty = dir.path().join("b/c/empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(find_clips(&[empty]).is_err());
        assert!(find_clips(&[dir.path().join("nope")]).is_err());
    }
}
