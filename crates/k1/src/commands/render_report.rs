//! `k1 render --report`: the light quality report (`k1_offline::light`) of every pattern over
//! the corpus, a file or folder, or the demo, printed as Markdown tables.

use anyhow::Context;
use k1_core::render::PatternId;
use k1_offline::light::{self, ClipLight};

use crate::cli::Input;
use crate::cli::common::DEMO_LOOPS;
use crate::cli::render_job::{ReportClips, ReportJob};

/// The clips to measure, named as the report shows them.
fn inputs(clips: &ReportClips) -> anyhow::Result<Vec<(String, Input)>> {
    let demo = || ("demo".to_string(), Input::Demo { loops: DEMO_LOOPS });
    let files = |path| -> anyhow::Result<Vec<(String, Input)>> {
        Ok(super::eval::find_clips(&[path])?
            .into_iter()
            .map(|c| (c.name, Input::File(c.path)))
            .collect())
    };
    Ok(match clips {
        ReportClips::Demo => vec![demo()],
        ReportClips::Path(path) => files(path.clone())?,
        ReportClips::Corpus => {
            let dir = k1_io::corpus::locate().map_err(|tried| {
                let tried: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
                anyhow::anyhow!(
                    "the corpus is not at {}: set K1_CORPUS, or give a FILE or --demo",
                    tried.join(" nor ")
                )
            })?;
            let mut all = files(dir)?;
            all.push(demo());
            all
        }
    })
}

/// Runs `k1 render --report`.
pub fn run(job: ReportJob) -> anyhow::Result<()> {
    let mut clips = Vec::new();
    for (name, input) in inputs(&job.clips)? {
        k1_io::messages::note(format!("measuring {name}"));
        let mut analyzer = super::new_analyzer(job.config)?;
        let mut source = super::open_source(&input, &job.config)?;
        let patterns = light::measure(
            &mut *source,
            &mut analyzer,
            &PatternId::ALL,
            job.layout,
            job.params,
            job.fps,
        )
        .with_context(|| format!("cannot measure {name}"))?;
        clips.push(ClipLight {
            clip: name,
            patterns,
        });
    }
    println!("{}", light::clip_table(&clips));
    println!("{}", light::summary_table(&light::summarise(&clips)));
    let short = light::shortfalls(&clips);
    if short.is_empty() {
        println!("Every pattern meets the floors.");
    } else {
        println!("Short of the floors:");
        for (pattern, what) in short {
            println!("- {} {what}", pattern.info().id);
        }
    }
    Ok(())
}
