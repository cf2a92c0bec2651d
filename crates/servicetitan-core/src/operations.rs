//! A table of every operation of a generated module, for tools that choose operations at run
//! time (the `servicetitan` CLI, `sync`): what exists, its method, path and parameters, and
//! whether it pages. Send one with [`crate::dynamic::DynamicRequest`].

use crate::Error;

/// One API module as compiled into a build: its name, path and operation table (the facade
/// lists them in `servicetitan::modules()`).
#[derive(Clone, Copy, Debug)]
pub struct Module {
    /// The module's key and feature name (`jpm`).
    pub name: &'static str,
    /// Its path under the API host (`/jpm/v2`).
    pub server_path: &'static str,
    /// Every operation it offers.
    pub operations: &'static [OperationMeta],
}

impl Module {
    /// The `GET` operation of `kind` on `resource` without path parameters (`jobs` finds
    /// `export/jobs` for exports).
    pub fn find(
        &self,
        kind: OperationKind,
        resource: &str,
    ) -> Result<&'static OperationMeta, Error> {
        let wanted = resource.trim_matches('/');
        let candidates: Vec<&'static OperationMeta> = self
            .operations
            .iter()
            .filter(|op| op.kind == kind && op.method == "GET" && op.path_params().is_empty())
            .collect();
        let hit = candidates.iter().find(|op| {
            let r = op.resource();
            r == wanted || r.strip_prefix("export/") == Some(wanted)
        });
        hit.copied().ok_or_else(|| {
            let names: Vec<String> = candidates
                .iter()
                .map(|op| op.resource().trim_start_matches("export/").to_string())
                .collect();
            Error::InvalidRequest(format!(
                "{} has no {} operation for {resource:?}; it has: {}",
                self.name,
                match kind {
                    OperationKind::List => "list",
                    OperationKind::Export => "export",
                    OperationKind::Other => "such",
                },
                names.join(", ")
            ))
        })
    }

    /// `GET <resource>/{id}`.
    pub fn find_get(&self, resource: &str) -> Result<&'static OperationMeta, Error> {
        let wanted = resource.trim_matches('/');
        self.operations
            .iter()
            .find(|op| {
                op.method == "GET"
                    && op.path_params().len() == 1
                    && op.path.ends_with('}')
                    && op.resource() == wanted
            })
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "{} has no get operation for {resource:?}",
                    self.name
                ))
            })
    }
}

/// How an operation returns its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperationKind {
    /// `page` / `pageSize` / `hasMore` pages.
    List,
    /// `from` / `continueFrom` / `hasMore` export batches.
    Export,
    /// Anything else.
    Other,
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// A segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

/// One parameter of an operation, as the specs declare it (the tenant is left out: the
/// runtime fills it in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParamMeta {
    /// The name as the API spells it (`modifiedOnOrAfter`, `id`).
    pub name: &'static str,
    /// Where it travels.
    pub location: ParamLocation,
    /// Whether its schema is an integer.
    pub integer: bool,
    /// Whether the operation requires it.
    pub required: bool,
}

/// One operation, as the generator saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OperationMeta {
    /// The operation's Rust method name (`list_jobs`).
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path under the module's server path, with `__tenant__` for the tenant and
    /// `{name}` for other path parameters.
    pub path: &'static str,
    /// Whether it pages, and how.
    pub kind: OperationKind,
    /// One line about it, from the spec.
    pub summary: &'static str,
    /// Its parameters: path parameters first, in the order the path has them.
    pub params: &'static [ParamMeta],
    /// Lists and exports: the JSON Schema of one record (self-contained and lenient: every
    /// property may be null, none is required); empty for other operations.
    pub item_schema: &'static str,
}

impl OperationMeta {
    /// The resource the operation works on: the path after the tenant, without path
    /// parameters (`/tenant/__tenant__/export/jobs` → `export/jobs`, `.../jobs/{id}` → `jobs`).
    pub fn resource(&self) -> String {
        let after = match self.path.find(crate::TENANT_PLACEHOLDER) {
            Some(i) => &self.path[i + crate::TENANT_PLACEHOLDER.len()..],
            None => self.path,
        };
        after
            .split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Names of the path parameters, in order.
    pub fn path_params(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }

    /// The parameter called `name` in `location`, if the operation takes it.
    pub fn param(&self, location: ParamLocation, name: &str) -> Option<&'static ParamMeta> {
        self.params
            .iter()
            .find(|p| p.location == location && p.name == name)
    }

    /// Whether the operation takes the query parameter `name` (`active`,
    /// `modifiedOnOrAfter`).
    pub fn takes_query(&self, name: &str) -> bool {
        self.param(ParamLocation::Query, name).is_some()
    }

    /// The path parameters' declarations, in path order.
    pub fn path_param_metas(&self) -> impl Iterator<Item = &'static ParamMeta> {
        self.params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_drop_tenant_and_parameters() {
        let op = OperationMeta {
            id: "get_job_note",
            method: "GET",
            path: "/tenant/__tenant__/jobs/{id}/notes",
            kind: OperationKind::List,
            summary: "",
            params: &[
                ParamMeta {
                    name: "id",
                    location: ParamLocation::Path,
                    integer: true,
                    required: true,
                },
                ParamMeta {
                    name: "active",
                    location: ParamLocation::Query,
                    integer: false,
                    required: false,
                },
            ],
            item_schema: "",
        };
        assert_eq!(op.resource(), "jobs/notes");
        assert_eq!(op.path_params(), vec!["id"]);
        assert!(op.takes_query("active") && !op.takes_query("id"));
        assert!(op.path_param_metas().all(|p| p.integer));
    }
}
