//! Downloading gzip files from a public mirror, with a progress bar.

use std::path::Path;
use std::time::Duration;

use flate2::read::GzDecoder;

use crate::dataset::FileSpec;
use crate::fetch::Failed;
use crate::install::{install, progress_bar};

/// How long to wait for a TCP connection: short, so that an offline machine moves on quickly.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a stalled transfer may go without receiving anything.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Downloads `<mirror><name>.gz` for each missing file into `cache`, decompressed and verified.
/// Stops at the first failure (an unreachable mirror fails on its first file).
pub(crate) fn fetch(mirror: &str, cache: &Path, missing: &[FileSpec]) -> Result<(), Failed> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(CONNECT_TIMEOUT)
        .timeout_read(READ_TIMEOUT)
        .build();
    for spec in missing {
        let url = format!("{mirror}{}.gz", spec.name);
        // ureq's message names the URL.
        let response = (agent.get(&url).call()).map_err(|e| Failed::Source(e.to_string()))?;
        let length = response
            .header("Content-Length")
            .and_then(|v| v.parse::<u64>().ok());
        let bar = progress_bar(length, spec.name);
        let body = bar.wrap_read(response.into_reader());
        let result = install(GzDecoder::new(body), cache, spec, &url);
        bar.finish_and_clear();
        result?;
    }
    Ok(())
}
