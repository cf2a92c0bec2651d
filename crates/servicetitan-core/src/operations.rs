//! A table of every operation of a generated module, for tools that choose operations at run
//! time (the `servicetitan` CLI): what exists, its method and path, and whether it pages.

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
        };
        assert_eq!(op.resource(), "jobs/notes");
        assert_eq!(op.path_params(), vec!["id"]);
    }
}
