//! The streams a tenant offers: every export operation and every paged list without path
//! parameters, in every module of the build.

use servicetitan::operations::{Module, OperationKind, OperationMeta, ParamLocation};
use servicetitan::paging::wire;
use servicetitan::Error;

/// How a stream reads its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    /// An export (`from` / `continueFrom`): incremental by its continuation token.
    Export,
    /// A paged list (`page` / `pageSize`).
    List,
}

impl StreamKind {
    /// `export` or `list`.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamKind::Export => "export",
            StreamKind::List => "list",
        }
    }
}

/// One stream of the catalog.
#[derive(Clone, Copy, Debug)]
pub struct StreamDef {
    /// `module.resource` (`jpm.jobs`); a list whose resource also has an export is
    /// `module.resource.list`.
    pub name: &'static str,
    /// The module.
    pub module: Module,
    /// The operation that reads it.
    pub op: &'static OperationMeta,
    /// Export or list.
    pub kind: StreamKind,
    /// The record field that identifies a record.
    pub key: &'static str,
    /// The query parameter that makes a run incremental: `from` for exports,
    /// `modifiedOnOrAfter` for lists that take it; `None` for lists read whole every run.
    pub incremental: Option<&'static str>,
    /// Whether the operation takes the `active` filter (the stream then asks for every record).
    pub takes_active: bool,
    /// A list whose records an export of the same resource also yields: left out of the
    /// default selection, chosen only by its name.
    pub shadowed: bool,
}

impl StreamDef {
    /// The record field the incremental watermark follows (lists only).
    pub const MODIFIED_ON: &'static str = "modifiedOn";

    /// The table (SQLite) or file stem (directories) of the stream: its name with `.` and `-`
    /// as `_` (`jpm_jobs`).
    pub fn table(&self) -> String {
        self.name.replace(['.', '-', '/'], "_")
    }
}

/// Every stream of the modules compiled into this build, sorted by name.
pub fn catalog() -> Vec<StreamDef> {
    let mut streams = Vec::new();
    for module in servicetitan::modules() {
        let readable = |op: &&'static OperationMeta| {
            op.method == "GET"
                && op.path_params().is_empty()
                // A query parameter the stream cannot fill in (an id list, a date range) rules
                // the operation out; paging parameters are the stream's own.
                && op.params.iter().all(|p| {
                    !p.required
                        || p.location != ParamLocation::Query
                        || [wire::PAGE, wire::PAGE_SIZE, wire::FROM].contains(&p.name)
                })
        };
        let exports: Vec<String> = module
            .operations
            .iter()
            .filter(|op| op.kind == OperationKind::Export)
            .filter(readable)
            .map(resource)
            .collect();
        for op in module.operations.iter().filter(readable) {
            let (kind, incremental) = match op.kind {
                OperationKind::Export => (StreamKind::Export, Some(wire::FROM)),
                OperationKind::List => (
                    StreamKind::List,
                    op.takes_query(wire::MODIFIED_ON_OR_AFTER)
                        .then_some(wire::MODIFIED_ON_OR_AFTER),
                ),
                OperationKind::Other => continue,
            };
            let resource = resource(op);
            let shadowed = kind == StreamKind::List && exports.contains(&resource);
            let mut name = if shadowed {
                format!("{}.{resource}.list", module.name)
            } else {
                format!("{}.{resource}", module.name)
            };
            // Two operations on one resource (two versions of a list): the later one is named
            // by its operation.
            if streams.iter().any(|s: &StreamDef| s.name == name) {
                name = format!("{}.{}", module.name, op.id);
            }
            streams.push(StreamDef {
                // The catalog is built once per process; its names live as long as it.
                name: Box::leak(name.into_boxed_str()),
                module,
                op,
                kind,
                key: "id",
                incremental,
                takes_active: op.takes_query(wire::ACTIVE),
                shadowed,
            });
        }
    }
    streams.sort_by(|a, b| a.name.cmp(b.name));
    streams
}

/// The resource of an operation as a stream names it: `export/jobs` → `jobs`,
/// `jobs/notes` → `jobs-notes`.
fn resource(op: &OperationMeta) -> String {
    let r = op.resource();
    r.strip_prefix("export/").unwrap_or(&r).replace('/', "-")
}

/// The streams `patterns` choose (`jpm.jobs,crm.*`; `*` for all): names, or patterns with `*`.
/// A pattern matches shadowed lists only by their full name.
///
/// # Errors
/// [`Error::InvalidRequest`] naming a pattern that matches no stream.
pub fn select(catalog: &[StreamDef], patterns: &str) -> Result<Vec<StreamDef>, Error> {
    let mut chosen: Vec<StreamDef> = Vec::new();
    for pattern in patterns.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let matched: Vec<&StreamDef> = catalog
            .iter()
            .filter(|s| s.name == pattern || (!s.shadowed && glob(pattern, s.name)))
            .collect();
        if matched.is_empty() {
            let prefix = pattern.split('.').next().unwrap_or_default();
            let near: Vec<&str> = catalog
                .iter()
                .map(|s| s.name)
                .filter(|n| n.starts_with(prefix))
                .take(12)
                .collect();
            return Err(Error::InvalidRequest(format!(
                "no stream matches {pattern:?}{}",
                if near.is_empty() {
                    " (servicetitan sync --list-streams lists them)".to_string()
                } else {
                    format!("; streams like it: {}", near.join(", "))
                }
            )));
        }
        for s in matched {
            if !chosen.iter().any(|c| c.name == s.name) {
                chosen.push(*s);
            }
        }
    }
    chosen.sort_by(|a, b| a.name.cmp(b.name));
    Ok(chosen)
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || !name[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*", "jpm.jobs"));
        assert!(glob("jpm.*", "jpm.jobs"));
        assert!(!glob("jpm.*", "crm.jobs"));
        assert!(glob("*.jobs", "jpm.jobs"));
        assert!(glob("j*o*s", "jpm.jobs"));
        assert!(!glob("j*x*s", "jpm.jobs"));
        assert!(glob("jpm.jobs", "jpm.jobs"));
    }

    #[test]
    fn the_catalog_has_every_export_and_unique_names_and_tables() {
        let all = catalog();
        let exports = all.iter().filter(|s| s.kind == StreamKind::Export).count();
        let lists = all.iter().filter(|s| s.kind == StreamKind::List).count();
        assert!(exports >= 50, "{exports} exports");
        assert!(lists >= 100, "{lists} lists");
        let mut names = std::collections::HashSet::new();
        let mut tables = std::collections::HashSet::new();
        for s in &all {
            assert!(names.insert(s.name), "{} twice", s.name);
            assert!(tables.insert(s.table()), "table {} twice", s.table());
        }
        let jobs = all.iter().find(|s| s.name == "jpm.jobs").unwrap();
        assert_eq!(jobs.kind, StreamKind::Export);
        let list = all.iter().find(|s| s.name == "jpm.jobs.list").unwrap();
        assert!(list.shadowed);
        assert_eq!(list.incremental, Some("modifiedOnOrAfter"));
    }

    #[test]
    fn selection_by_name_and_pattern() {
        let all = catalog();
        let jpm = select(&all, "jpm.*").unwrap();
        assert!(jpm
            .iter()
            .all(|s| s.name.starts_with("jpm.") && !s.shadowed));
        let two = select(&all, "jpm.jobs, crm.customers,jpm.jobs").unwrap();
        assert_eq!(
            two.iter().map(|s| s.name).collect::<Vec<_>>(),
            ["crm.customers", "jpm.jobs"]
        );
        assert_eq!(select(&all, "jpm.jobs.list").unwrap().len(), 1);
        let err = select(&all, "jpm.jobz").unwrap_err().to_string();
        assert!(
            err.contains("jpm.jobz") && err.contains("jpm.jobs"),
            "{err}"
        );
    }
}
