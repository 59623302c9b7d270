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

/// A scenario (or an outline with all its examples) as the split sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// `file.feature:line` (the path below the features folder), the same on every machine.
    pub id: String,
    /// Its own line and its examples' lines, as cucumber places the scenarios
    /// it expands from them: where a run's scenario, or a JUnit test case of it, points.
    pub lines: Vec<usize>,
}

/// `file.feature:line` of a scenario of `feature` (below `dir`, the features folder).
pub fn place(dir: &Path, feature: &Feature, line: usize) -> String {
    let path = feature.path.as_deref().unwrap_or(Path::new(""));
    let rel = path.strip_prefix(dir).ok().or_else(|| path.file_name().map(Path::new)).unwrap_or(path);
    format!("{}:{line}", rel.display())
}

/// The `.feature` files below `dir`, as cucumber reads them (sub-folders too), in path order.
fn feature_files(dir: &Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("cannot list the feature files in {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "feature") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every scenario (outlines whole) of the feature files in `dir` of which
/// `select` keeps at least one scenario as cucumber runs them (an outline's
/// examples expanded: their names filled in, their tags added), in path and
/// line order.
pub fn units(dir: &Path, select: &dyn Fn(&Feature, Option<&Rule>, &Scenario) -> bool) -> anyhow::Result<Vec<Unit>> {
    use cucumber::feature::Ext as _;
    let mut out = Vec::new();
    for path in feature_files(dir)? {
        let raw = Feature::parse_path(&path, GherkinEnv::default()).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let expanded = raw.clone().expand_examples().map_err(|e| anyhow::anyhow!("{e}"))?;
        let all = |f: &Feature| -> Vec<(Option<usize>, Scenario)> {
            f.scenarios.iter().map(|s| (None, s.clone())).chain(f.rules.iter().enumerate().flat_map(|(i, r)| r.scenarios.iter().map(move |s| (Some(i), s.clone())))).collect()
        };
        let runs = all(&expanded);
        for (_, s) in all(&raw) {
            // An example's scenario sits on its Examples line + 2 + its row's index (cucumber's expansion).
            let examples = s.examples.iter().flat_map(|ex| {
                let rows = ex.table.as_ref().map_or(0, |t| t.rows.len().saturating_sub(1));
                (0..rows).map(move |i| ex.position.line + 2 + i)
            });
            let lines: Vec<usize> = std::iter::once(s.position.line).chain(examples).collect();
            let chosen = runs
                .iter()
                .filter(|(_, e)| lines.contains(&e.position.line))
                .any(|(rule, e)| select(&expanded, rule.map(|i| &expanded.rules[i]), e));
            if chosen {
                out.push(Unit { id: place(dir, &raw, s.position.line), lines });
            }
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
    // A JUnit file names the feature file as the run saw it: matched by its file name.
    let file = |id: &str| {
        let f = id.rsplit_once(':').map(|(f, _)| f).unwrap_or_default();
        f.rsplit('/').next().unwrap_or(f).to_string()
    };
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

/// The places (`file.feature:line`, see [`place`]) of every scenario cucumber
/// may run for the units of `shard`, among every selected one of `dir`; and
/// how many units there are in all, and in this shard.
pub fn mine(
    dir: &Path,
    shard: Shard,
    durations: Option<&HashMap<String, f64>>,
    select: &dyn Fn(&Feature, Option<&Rule>, &Scenario) -> bool,
) -> anyhow::Result<(HashSet<String>, usize, usize)> {
    let all = units(dir, select)?;
    let assigned = split(&all, shard.total, durations);
    let ours: Vec<&Unit> = all.iter().zip(assigned).filter(|(_, s)| *s == shard.index - 1).map(|(u, _)| u).collect();
    let file = |id: &str| id.rsplit_once(':').map(|(f, _)| f.to_string()).unwrap_or_default();
    let places = ours.iter().flat_map(|u| u.lines.iter().map(move |l| format!("{}:{l}", file(&u.id)))).collect();
    Ok((places, all.len(), ours.len()))
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
        // Every scenario cucumber runs (an outline's examples expanded) is in exactly one shard.
        use cucumber::feature::Ext as _;
        let mut runs = HashSet::new();
        for path in feature_files(dir).unwrap() {
            let f = Feature::parse_path(&path, GherkinEnv::default()).unwrap().expand_examples().unwrap();
            for s in f.scenarios.iter().chain(f.rules.iter().flat_map(|r| &r.scenarios)) {
                runs.insert(place(dir, &f, s.position.line));
            }
        }
        assert!(runs.len() > all.len(), "outlines expand: {} scenarios run, {} units", runs.len(), all.len());
        let mut seen = HashSet::new();
        for index in 1..=3 {
            let (places, total, ours) = mine(dir, Shard { index, total: 3 }, None, &|_, _, _| true).unwrap();
            assert_eq!(total, all.len());
            assert!(ours > 0);
            for p in places.into_iter().filter(|p| runs.contains(p)) {
                assert!(seen.insert(p.clone()), "{p} in two shards");
            }
        }
        assert_eq!(seen, runs, "every scenario cucumber runs is in one shard");
    }

    #[test]
    fn an_outline_is_selected_by_its_examples_names_and_tags_as_cucumber_sees_them() {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/features"));
        // "An expiry date of <case> is rejected": only its expanded names hold "yesterday".
        let by_name = units(dir, &|_, _, s| s.name.contains("of yesterday is rejected")).unwrap();
        assert_eq!(by_name.len(), 1, "{by_name:?}");
        assert!(by_name[0].lines.len() > 2, "the whole outline goes: {:?}", by_name[0]);
    }
}
