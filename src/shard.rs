//! Splitting one run across machines (`--shard i/n`, as Playwright's): every
//! machine reads the same feature files and computes the same split, so the
//! shards together run each selected scenario exactly once. A scenario is
//! never split (an outline goes whole, with all its examples). The split is
//! balanced by the scenarios' durations when a previous run's JUnit is given
//! (the longest first, each to the shard with the least work so far), and by
//! count otherwise (round robin in file and line order).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Context as _;
use cucumber::gherkin::{Feature, GherkinEnv, Rule, Scenario};

/// One shard of `total`, `index` counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub total: usize,
}

impl std::str::FromStr for Shard {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        let bad = || anyhow::anyhow!("'{s}' is not a shard: use i/n with 1 <= i <= n, e.g. --shard 1/2");
        let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let (index, total): (usize, usize) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if index == 0 || index > total {
            return Err(bad());
        }
        Ok(Self { index, total })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

/// A scenario (or an outline with its examples) as the split sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// `file.feature:line`, the same on every machine.
    pub id: String,
    /// Its own line and its examples' rows: where a JUnit test case of it points.
    pub lines: Vec<usize>,
}

/// Where a scenario is, as a [`Unit`]'s id.
pub fn unit_id(feature: &Feature, scenario: &Scenario) -> String {
    let file = feature.path.as_deref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    format!("{file}:{}", scenario.position.line)
}

/// Every scenario of the feature files in `dir` that `select` keeps, in file and line order.
pub fn units(dir: &Path, select: &dyn Fn(&Feature, Option<&Rule>, &Scenario) -> bool) -> anyhow::Result<Vec<Unit>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list the feature files in {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "feature"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let feature = Feature::parse_path(&path, GherkinEnv::default()).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let scenarios = feature
            .scenarios
            .iter()
            .map(|s| (None, s))
            .chain(feature.rules.iter().flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s))));
        for (rule, s) in scenarios {
            if !select(&feature, rule, s) {
                continue;
            }
            let rows = s.examples.iter().filter_map(|e| e.table.as_ref()).flat_map(|t| (1..t.rows.len()).map(move |i| t.position.line + i));
            out.push(Unit { id: unit_id(&feature, s), lines: std::iter::once(s.position.line).chain(rows).collect() });
        }
    }
    Ok(out)
}

/// The shard (counted from 0) of each unit.
pub fn split(units: &[Unit], total: usize, durations: Option<&HashMap<String, f64>>) -> Vec<usize> {
    let total = total.max(1);
    let Some(durations) = durations else {
        return (0..units.len()).map(|i| i % total).collect();
    };
    // A unit's weight: its test cases' time in the earlier run (an outline's
    // examples added up); one never seen weighs the median of those seen.
    let file = |id: &str| id.rsplit_once(':').map(|(f, _)| f.to_string()).unwrap_or_default();
    let weight = |u: &Unit| -> Option<f64> {
        let f = file(&u.id);
        let found: Vec<f64> = u.lines.iter().filter_map(|l| durations.get(&format!("{f}:{l}"))).copied().collect();
        (!found.is_empty()).then(|| found.iter().sum())
    };
    let mut known: Vec<f64> = units.iter().filter_map(weight).collect();
    known.sort_by(f64::total_cmp);
    let median = known.get(known.len() / 2).copied().unwrap_or(1.0);
    let mut order: Vec<(usize, f64)> = units.iter().enumerate().map(|(i, u)| (i, weight(u).unwrap_or(median))).collect();
    // The longest first; equal ones in file and line order.
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut load = vec![0.0f64; total];
    let mut out = vec![0; units.len()];
    for (i, w) in order {
        let lightest = (0..total).min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b))).unwrap_or(0);
        load[lightest] += w;
        out[i] = lightest;
    }
    out
}

/// Test case durations of a JUnit file, keyed `file.feature:line` (cucumber's
/// writer ends each test case's name with `path:line:col`).
pub fn junit_durations(xml: &str) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for case in xml.split("<testcase").skip(1) {
        let head = case.split('>').next().unwrap_or_default();
        let attr = |name: &str| head.split(&format!(" {name}=\"")).nth(1).and_then(|v| v.split('"').next());
        let (Some(name), Some(time)) = (attr("name"), attr("time").and_then(|t| t.parse::<f64>().ok())) else { continue };
        let mut parts = name.rsplitn(3, ':');
        let (Some(_col), Some(line), Some(path)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let Ok(line) = line.parse::<usize>() else { continue };
        let file = path.rsplit(['/', ' ']).next().unwrap_or(path);
        if file.ends_with(".feature") {
            *out.entry(format!("{file}:{line}")).or_insert(0.0) += time;
        }
    }
    out
}

/// The ids of the units of `shard` among every selected one of `dir`.
pub fn mine(
    dir: &Path,
    shard: Shard,
    durations: Option<&HashMap<String, f64>>,
    select: &dyn Fn(&Feature, Option<&Rule>, &Scenario) -> bool,
) -> anyhow::Result<(HashSet<String>, usize)> {
    let all = units(dir, select)?;
    let assigned = split(&all, shard.total, durations);
    let ids = all.iter().zip(assigned).filter(|(_, s)| *s == shard.index - 1).map(|(u, _)| u.id.clone()).collect();
    Ok((ids, all.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str) -> Unit {
        let line = id.rsplit_once(':').and_then(|(_, l)| l.parse().ok()).unwrap_or(0);
        Unit { id: id.to_string(), lines: vec![line] }
    }

    #[test]
    fn shards_are_parsed_and_bad_ones_named() {
        assert_eq!("2/3".parse::<Shard>().unwrap(), Shard { index: 2, total: 3 });
        for bad in ["0/2", "3/2", "1", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().unwrap_err().to_string().contains("is not a shard"), "{bad}");
        }
    }

    #[test]
    fn by_count_every_unit_goes_to_one_shard_evenly() {
        let units: Vec<Unit> = (1..=7).map(|i| unit(&format!("a.feature:{i}"))).collect();
        let s = split(&units, 3, None);
        assert_eq!(s, vec![0, 1, 2, 0, 1, 2, 0]);
    }

    #[test]
    fn by_duration_the_longest_are_spread_first() {
        let units = vec![unit("a.feature:1"), unit("a.feature:2"), unit("b.feature:3"), unit("b.feature:4"), unit("c.feature:9")];
        let durations: HashMap<String, f64> =
            [("a.feature:1", 10.0), ("a.feature:2", 1.0), ("b.feature:3", 6.0), ("b.feature:4", 5.0)].iter().map(|(k, v)| (k.to_string(), *v)).collect();
        // c was not in the earlier run: it weighs the median (6). Longest first:
        // a1 (10) → 0; b3 (6) → 1; c9 (6) → 1 (12); b4 (5) → 0 (15); a2 (1) → 1 (13).
        let s = split(&units, 2, Some(&durations));
        assert_eq!(s, vec![0, 1, 1, 0, 1]);
        let load = |shard: usize| -> f64 { units.iter().zip(&s).filter(|(_, x)| **x == shard).map(|(u, _)| durations.get(&u.id).copied().unwrap_or(6.0)).sum() };
        assert!((load(0) - load(1)).abs() <= 6.0, "balanced: {} vs {}", load(0), load(1));
    }

    #[test]
    fn junit_test_cases_give_durations_by_file_and_line() {
        let xml = r#"<testsuites><testsuite name="Feature: X: features/a.feature">
<testcase name="Scenario: One: features/a.feature:12:3" time="1.5"></testcase>
<testcase name="Scenario: Two &amp; more: /abs/path/features/b.feature:40:5" time="0.25"><failure/></testcase>
<testcase name="no location" time="9"/></testsuite></testsuites>"#;
        let d = junit_durations(xml);
        assert_eq!(d.len(), 2);
        assert_eq!(d["a.feature:12"], 1.5);
        assert_eq!(d["b.feature:40"], 0.25);
    }

    #[test]
    fn the_suites_own_features_split_into_disjoint_shards_that_cover_them() {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/features"));
        let all = units(dir, &|_, _, _| true).unwrap();
        assert!(all.len() >= 10, "{} scenarios and outlines", all.len());
        let outline = all.iter().find(|u| u.lines.len() > 2).expect("an outline with its examples' rows");
        assert!(outline.lines.windows(2).all(|w| w[0] < w[1]), "{outline:?}");
        let mut seen = HashSet::new();
        for index in 1..=3 {
            let (ids, total) = mine(dir, Shard { index, total: 3 }, None, &|_, _, _| true).unwrap();
            assert_eq!(total, all.len());
            assert!(!ids.is_empty());
            for id in ids {
                assert!(seen.insert(id.clone()), "{id} in two shards");
            }
        }
        assert_eq!(seen.len(), all.len(), "every scenario in one shard");
    }
}
