//! Facts about operations that the facade's operation table does not carry, read from
//! `specs/*.yaml` at build time (see `build.rs`): whether an operation takes the `active`
//! query filter, and which of its path parameters are integers.

use servicetitan::operations::OperationMeta;

/// One operation of the specs.
#[derive(Debug)]
pub struct SpecOperation {
    /// The module (the spec's file name).
    pub module: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path as the spec writes it (`/tenant/{tenant}/jobs/{id}`).
    pub path: &'static str,
    /// Whether it takes the `active` query filter (`True`, `False`, `Any`).
    pub active: bool,
    /// For each path parameter but the tenant, in path order: whether it is an integer.
    pub integer_path_params: &'static [bool],
}

include!(concat!(env!("OUT_DIR"), "/spec_params.rs"));

/// A path with every parameter written `{}` (generated code may rename parameters).
fn shape(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg == servicetitan::TENANT_PLACEHOLDER || seg.starts_with('{') {
                "{}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The spec's entry for `op` of `module`, matched by method and path.
pub fn find(module: &str, op: &OperationMeta) -> Option<&'static SpecOperation> {
    let path = shape(op.path);
    SPEC_OPERATIONS
        .iter()
        .find(|s| s.module == module && s.method == op.method && shape(s.path) == path)
}

/// Whether `op` takes the `active` query filter.
pub fn has_active_filter(module: &str, op: &OperationMeta) -> bool {
    find(module, op).is_some_and(|s| s.active)
}

/// Whether the path parameter at `position` of `op` (in `op.path_params()` order) is an
/// integer.
pub fn is_integer_path_param(module: &str, op: &OperationMeta, position: usize) -> bool {
    find(module, op).is_some_and(|s| s.integer_path_params.get(position) == Some(&true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use servicetitan::operations::OperationKind;

    #[test]
    fn every_operation_of_every_module_has_its_spec_entry() {
        let mut missing = Vec::new();
        let mut count = 0;
        for m in servicetitan::modules() {
            for op in m.operations {
                count += 1;
                if find(m.name, op).is_none() {
                    missing.push(format!("{} {} {}", m.name, op.method, op.path));
                }
            }
        }
        assert!(missing.is_empty(), "no spec entry for {missing:#?}");
        // A renamed parameter is still found by its position.
        let inventory = servicetitan::modules()
            .into_iter()
            .find(|m| m.name == "inventory")
            .unwrap();
        let renamed = inventory
            .operations
            .iter()
            .find(|o| o.path.contains("{id_in_path}"))
            .expect("an operation whose parameter the generator renamed");
        assert!(is_integer_path_param("inventory", renamed, 0));
        assert_eq!(count, SPEC_OPERATIONS.len());
        // Matching by shape is unambiguous: no two operations share method and shape.
        let mut shapes = std::collections::HashSet::new();
        for s in SPEC_OPERATIONS {
            assert!(
                shapes.insert((s.module, s.method, shape(s.path))),
                "{} {} {} shares its shape with another operation",
                s.module,
                s.method,
                s.path
            );
        }
    }

    #[test]
    fn the_active_filter_is_known_per_operation() {
        let jpm = servicetitan::modules()
            .into_iter()
            .find(|m| m.name == "jpm")
            .unwrap();
        let op = |id: &str| jpm.operations.iter().find(|o| o.id == id).unwrap();
        assert!(has_active_filter("jpm", op("list_appointments")));
        assert!(has_active_filter("jpm", op("export_appointments")));
        assert!(!has_active_filter("jpm", op("list_jobs")));
        assert!(!has_active_filter("jpm", op("export_jobs")));
        assert!(is_integer_path_param("jpm", op("get_job"), 0));
        assert!(!is_integer_path_param("jpm", op("get_job"), 1));
        // Lists and exports that take it: many, and far from all.
        let (with, all) = servicetitan::modules()
            .iter()
            .flat_map(|m| m.operations.iter().map(move |o| (m.name, o)))
            .filter(|(_, o)| o.kind != OperationKind::Other)
            .fold((0, 0), |(w, a), (m, o)| {
                (w + has_active_filter(m, o) as usize, a + 1)
            });
        assert!(with > 50 && with < all, "{with} of {all}");
    }
}
