//! Which scenarios one shard of a split run runs.

use std::sync::Arc;

use anyhow::Context;

use super::{FEATURES_DIR, Opts};

/// The scenarios a shard runs: the selection (`--tags` / `--name`, taken
/// from cucumber, which ignores a filter of ours when it has one), and of
/// those the ones whose place (`file.feature:line`) fell to this shard.
#[derive(Clone)]
pub(super) struct Selection {
    tags: Option<cucumber::gherkin::tagexpr::TagOperation>,
    name: Option<regex::Regex>,
    ids: Arc<std::collections::HashSet<String>>,
}

impl Selection {
    /// Selected as cucumber selects: by name when given, else by tags.
    pub(super) fn selects(
        tags: &Option<cucumber::gherkin::tagexpr::TagOperation>,
        name: &Option<regex::Regex>,
        f: &cucumber::gherkin::Feature,
        r: Option<&cucumber::gherkin::Rule>,
        s: &cucumber::gherkin::Scenario,
    ) -> bool {
        use cucumber::tag::Ext as _;
        match (name, tags) {
            (Some(re), _) => re.is_match(&s.name),
            (None, Some(t)) => t.eval(f.tags.iter().chain(r.iter().flat_map(|r| &r.tags)).chain(s.tags.iter())),
            (None, None) => true,
        }
    }

    pub(super) fn runs(&self, f: &cucumber::gherkin::Feature, r: Option<&cucumber::gherkin::Rule>, s: &cucumber::gherkin::Scenario) -> bool {
        let place = crate::shard::place(std::path::Path::new(FEATURES_DIR), f, s.position.line);
        Self::selects(&self.tags, &self.name, f, r, s) && self.ids.contains(&place)
    }
}

/// Takes the selection out of cucumber's options and keeps this shard's part of it.
pub(super) fn select_shard(opts: &mut Opts, shard: crate::shard::Shard, durations: Option<&std::path::Path>) -> anyhow::Result<Selection> {
    let tags = opts.tags_filter.take();
    let name = opts.re_filter.take();
    let durations = match durations {
        Some(p) => Some(crate::shard::junit_durations(
            &std::fs::read_to_string(p).with_context(|| format!("--shard-durations: cannot read {}", p.display()))?,
        )),
        None => None,
    };
    let select = |f: &_, r: Option<&_>, s: &_| Selection::selects(&tags, &name, f, r, s);
    let (ids, total, ours) = crate::shard::mine(std::path::Path::new(FEATURES_DIR), shard, durations.as_ref(), &select)?;
    let by = match (&durations, durations.as_ref().map(|d| d.len())) {
        (Some(_), Some(n)) if n > 0 => "balanced by the durations of an earlier run",
        (Some(_), _) => "the JUnit file has no durations of these scenarios: balanced by count",
        _ => "balanced by count",
    };
    println!("shard {shard}: {ours} of the {total} selected scenarios and outlines ({by})");
    Ok(Selection { tags, name, ids: Arc::new(ids) })
}
