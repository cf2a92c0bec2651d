//! A tenant's records: generated ones computed on demand, created or changed ones kept in
//! memory, and the paging and export logic over both.
//!
//! Positions: record `k` of a kind has position `k` and id `first_id + k`. Generated records
//! take positions `0..n`; records created through the API continue at `n`. Changing a record
//! stores a copy with a new `modifiedOn` (later than every generated one), so export order
//! `(modifiedOn, id)` is: the unchanged generated records by position, then the stored ones
//! by their new `modifiedOn`.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::data::Gen;
use crate::json::J;
use crate::time::{self, DATA_END};
use crate::Resource;

/// A created or changed record.
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub(crate) rec: J,
    pub(crate) created: i64,
    pub(crate) modified: i64,
}

impl Stored {
    fn active(&self) -> bool {
        self.rec.get("active").and_then(J::as_bool).unwrap_or(true)
    }

    fn provider(&self) -> Option<i64> {
        self.rec.get("bookingProviderId").and_then(J::as_i64)
    }
}

/// The stored records of one kind in one tenant.
#[derive(Default, Debug)]
pub(crate) struct Table {
    stored: BTreeMap<u64, Stored>,
    by_modified: BTreeMap<(i64, i64), u64>,
    created: u64,
}

/// The `active` query filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Active {
    True,
    False,
    Any,
}

/// The order of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SortField {
    /// By id (also the `createdOn` order).
    Id,
    /// By `modifiedOn`.
    Modified,
}

/// A list request after parsing.
#[derive(Clone, Debug)]
pub(crate) struct ListQuery {
    pub(crate) page: u64,
    pub(crate) page_size: u64,
    pub(crate) include_total: bool,
    pub(crate) ids: Option<Vec<i64>>,
    pub(crate) created_ge: Option<i64>,
    pub(crate) created_lt: Option<i64>,
    pub(crate) modified_ge: Option<i64>,
    pub(crate) modified_lt: Option<i64>,
    pub(crate) active: Active,
    pub(crate) provider: Option<i64>,
    pub(crate) sort: SortField,
    pub(crate) desc: bool,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            page: 1,
            page_size: 50,
            include_total: false,
            ids: None,
            created_ge: None,
            created_lt: None,
            modified_ge: None,
            modified_lt: None,
            active: Active::True,
            provider: None,
            sort: SortField::Id,
            desc: false,
        }
    }
}

/// A record to write out: generated (by position) or a stored copy.
pub(crate) enum Item {
    Generated(u64),
    Stored(J),
}

impl Item {
    /// Renders the record (export items carry `active`).
    pub(crate) fn render(self, gen: &Gen, r: Resource, export: bool) -> J {
        match self {
            Item::Generated(pos) => gen.record(r, pos, export),
            Item::Stored(mut rec) => {
                if export && rec.get("active").is_none() {
                    rec.set("active", J::Bool(true));
                }
                rec
            }
        }
    }
}

/// One page of a list.
pub(crate) struct ListPage {
    pub(crate) items: Vec<Item>,
    pub(crate) has_more: bool,
    pub(crate) total: Option<u64>,
}

/// One page of an export.
pub(crate) struct ExportPage {
    pub(crate) items: Vec<Item>,
    pub(crate) has_more: bool,
    /// `(modifiedOn, id)` of the last record given, or the request's own position.
    pub(crate) last: (i64, i64),
}

#[derive(Clone, Copy, Debug)]
enum Seg {
    Run(u64, u64),
    One(u64),
}

/// The first index in `0..n` where `pred` holds (`pred` must go false...true).
fn partition(n: u64, pred: impl Fn(u64) -> bool) -> u64 {
    let (mut lo, mut hi) = (0u64, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// A tenant's mutable data.
#[derive(Debug)]
pub(crate) struct TenantData {
    tables: Vec<Table>,
    clock: i64,
    /// Ids handed out for contacts and other sub-records that are not served on their own.
    pub(crate) next_sub_id: i64,
}

impl TenantData {
    pub(crate) fn new() -> TenantData {
        TenantData {
            tables: Resource::ALL.iter().map(|_| Table::default()).collect(),
            clock: DATA_END,
            next_sub_id: 990_000_000_001,
        }
    }

    fn table(&self, r: Resource) -> &Table {
        &self.tables[r.index()]
    }

    /// A new `modifiedOn`: the wall clock, but always later than anything before it.
    pub(crate) fn tick(&mut self) -> i64 {
        let t = time::now_ticks().max(self.clock + 1);
        self.clock = t;
        t
    }

    /// How many records of a kind exist (generated plus created).
    pub(crate) fn len(&self, gen: &Gen, r: Resource) -> u64 {
        gen.n(r) + self.table(r).created
    }

    /// The position of an existing record.
    pub(crate) fn find(&self, gen: &Gen, r: Resource, id: i64) -> Option<u64> {
        gen.pos(r, id).filter(|p| *p < self.len(gen, r))
    }

    /// The current record with this id.
    pub(crate) fn get(&self, gen: &Gen, r: Resource, id: i64) -> Option<Item> {
        let pos = self.find(gen, r, id)?;
        Some(match self.table(r).stored.get(&pos) {
            Some(s) => Item::Stored(s.rec.clone()),
            None => Item::Generated(pos),
        })
    }

    /// The current record with this id, rendered.
    pub(crate) fn get_json(&self, gen: &Gen, r: Resource, id: i64) -> Option<J> {
        self.get(gen, r, id).map(|i| i.render(gen, r, false))
    }

    /// Stores a new record built from its id and creation instant.
    pub(crate) fn insert(
        &mut self,
        gen: &Gen,
        r: Resource,
        build: impl FnOnce(i64, i64) -> J,
    ) -> J {
        let pos = self.len(gen, r);
        let id = gen.id(r, pos);
        let now = self.tick();
        let rec = build(id, now);
        let table = &mut self.tables[r.index()];
        table.created += 1;
        table.stored.insert(
            pos,
            Stored {
                rec: rec.clone(),
                created: now,
                modified: now,
            },
        );
        table.by_modified.insert((now, id), pos);
        rec
    }

    /// Changes a record with `change`, stamps a new `modifiedOn` and returns the new record.
    /// `change` may refuse the change with an error, which is passed through.
    pub(crate) fn update<E>(
        &mut self,
        gen: &Gen,
        r: Resource,
        id: i64,
        change: impl FnOnce(&mut J) -> Result<(), E>,
    ) -> Option<Result<J, E>> {
        let pos = self.find(gen, r, id)?;
        let (mut rec, created, old_modified) = match self.table(r).stored.get(&pos) {
            Some(s) => (s.rec.clone(), s.created, Some(s.modified)),
            None => (gen.record(r, pos, false), gen.created(r, pos), None),
        };
        if let Err(e) = change(&mut rec) {
            return Some(Err(e));
        }
        let now = self.tick();
        if rec.get("modifiedOn").is_some() {
            rec.set("modifiedOn", J::s(time::format(now)));
        }
        if r == Resource::Calls {
            if let Some(lc) = rec.get_mut("leadCall") {
                lc.set("modifiedOn", J::s(time::format(now)));
            }
        }
        let table = &mut self.tables[r.index()];
        if let Some(m) = old_modified {
            table.by_modified.remove(&(m, id));
        }
        table.by_modified.insert((now, id), pos);
        table.stored.insert(
            pos,
            Stored {
                rec: rec.clone(),
                created,
                modified: now,
            },
        );
        Some(Ok(rec))
    }

    fn stored_matches(&self, q: &ListQuery, s: &Stored) -> bool {
        in_range(s.created, q.created_ge, q.created_lt)
            && in_range(s.modified, q.modified_ge, q.modified_lt)
            && match q.active {
                Active::True => s.active(),
                Active::False => !s.active(),
                Active::Any => true,
            }
            && q.provider.is_none_or(|p| s.provider() == Some(p))
    }

    fn base_matches(&self, gen: &Gen, r: Resource, q: &ListQuery, pos: u64) -> bool {
        in_range(gen.created(r, pos), q.created_ge, q.created_lt)
            && in_range(gen.modified(r, pos), q.modified_ge, q.modified_lt)
            && q.active != Active::False
            && q.provider.is_none_or(|p| gen.booking_provider(pos) == p)
    }

    /// The matching records as ordered segments; `needs_check` when runs hold positions that
    /// still have to be tested one by one (a filter that dates cannot express).
    fn segments(&self, gen: &Gen, r: Resource, q: &ListQuery) -> (Vec<Seg>, bool) {
        let table = self.table(r);
        if let Some(ids) = &q.ids {
            let mut found: Vec<(i64, i64, u64)> = Vec::new();
            for &id in ids {
                let Some(pos) = self.find(gen, r, id) else {
                    continue;
                };
                let (ok, modified) = match table.stored.get(&pos) {
                    Some(s) => (self.stored_matches(q, s), s.modified),
                    None => (self.base_matches(gen, r, q, pos), gen.modified(r, pos)),
                };
                if ok {
                    found.push((modified, id, pos));
                }
            }
            match q.sort {
                SortField::Id => found.sort_by_key(|f| f.1),
                SortField::Modified => found.sort_by_key(|f| (f.0, f.1)),
            }
            found.dedup_by_key(|f| f.1);
            return (found.into_iter().map(|f| Seg::One(f.2)).collect(), false);
        }
        let n = gen.n(r);
        let mut lo = 0;
        let mut hi = n;
        if let Some(t) = q.created_ge {
            lo = lo.max(partition(n, |i| gen.created(r, i) >= t));
        }
        if let Some(t) = q.created_lt {
            hi = hi.min(partition(n, |i| gen.created(r, i) >= t));
        }
        if let Some(t) = q.modified_ge {
            lo = lo.max(partition(n, |i| gen.modified(r, i) >= t));
        }
        if let Some(t) = q.modified_lt {
            hi = hi.min(partition(n, |i| gen.modified(r, i) >= t));
        }
        if q.active == Active::False {
            hi = lo;
        }
        let needs_check = q.provider.is_some();
        let mut segs = Vec::new();
        let mut cur = lo;
        let mut ones = Vec::new();
        for (&pos, s) in &table.stored {
            if pos >= cur && cur < hi {
                let end = pos.min(hi);
                if cur < end {
                    segs.push(Seg::Run(cur, end));
                }
                cur = if pos < hi { pos + 1 } else { hi };
            }
            if self.stored_matches(q, s) {
                match q.sort {
                    SortField::Id => segs.push(Seg::One(pos)),
                    SortField::Modified => ones.push(pos),
                }
            }
        }
        if cur < hi {
            segs.push(Seg::Run(cur, hi));
        }
        if q.sort == SortField::Modified {
            let matching: std::collections::HashSet<u64> = ones.into_iter().collect();
            segs.extend(
                table
                    .by_modified
                    .values()
                    .filter(|p| matching.contains(p))
                    .map(|&p| Seg::One(p)),
            );
        }
        (segs, needs_check)
    }

    /// One page of a list.
    pub(crate) fn list(&self, gen: &Gen, r: Resource, q: &ListQuery) -> ListPage {
        let (mut segs, needs_check) = self.segments(gen, r, q);
        if q.desc {
            segs.reverse();
        }
        let check = |pos: u64| !needs_check || self.base_matches(gen, r, q, pos);
        let skip = (q.page - 1).saturating_mul(q.page_size);
        let take = q.page_size;
        let mut seen = 0u64;
        let mut picked: Vec<u64> = Vec::new();
        let mut has_more = false;
        'outer: for seg in &segs {
            match *seg {
                Seg::One(p) => {
                    if seen < skip {
                        seen += 1;
                    } else if (picked.len() as u64) < take {
                        picked.push(p);
                    } else {
                        has_more = true;
                        break;
                    }
                }
                Seg::Run(a, b) => {
                    if !needs_check && seen + (b - a) <= skip {
                        seen += b - a;
                        continue;
                    }
                    let offset = if needs_check { 0 } else { skip - seen };
                    if !needs_check {
                        seen += offset;
                    }
                    let len = b - a;
                    for k in offset..len {
                        let p = if q.desc { b - 1 - k } else { a + k };
                        if !check(p) {
                            continue;
                        }
                        if seen < skip {
                            seen += 1;
                        } else if (picked.len() as u64) < take {
                            picked.push(p);
                        } else {
                            has_more = true;
                            break 'outer;
                        }
                    }
                }
            }
        }
        let total = q.include_total.then(|| {
            segs.iter()
                .map(|s| match *s {
                    Seg::One(_) => 1,
                    Seg::Run(a, b) if !needs_check => b - a,
                    Seg::Run(a, b) => (a..b).filter(|&p| check(p)).count() as u64,
                })
                .sum()
        });
        let table = self.table(r);
        let items = picked
            .into_iter()
            .map(|p| match table.stored.get(&p) {
                Some(s) => Item::Stored(s.rec.clone()),
                None => Item::Generated(p),
            })
            .collect();
        ListPage {
            items,
            has_more,
            total,
        }
    }

    /// Up to `limit` records whose `(modifiedOn, id)` comes after `after`, in that order.
    pub(crate) fn export(
        &self,
        gen: &Gen,
        r: Resource,
        after: (i64, i64),
        limit: usize,
    ) -> ExportPage {
        let table = self.table(r);
        let n = gen.n(r);
        let key = |i: u64| (gen.modified(r, i), gen.id(r, i));
        let start = partition(n, |i| key(i) > after);
        let mut items = Vec::new();
        let mut last = after;
        let mut has_more = false;
        let mut i = start;
        while i < n {
            if !table.stored.contains_key(&i) {
                if items.len() == limit {
                    has_more = true;
                    break;
                }
                items.push(Item::Generated(i));
                last = key(i);
            }
            i += 1;
        }
        if !has_more {
            for (&k, pos) in table
                .by_modified
                .range((Bound::Excluded(after), Bound::Unbounded))
            {
                if items.len() == limit {
                    has_more = true;
                    break;
                }
                items.push(Item::Stored(table.stored[pos].rec.clone()));
                last = k;
            }
        }
        ExportPage {
            items,
            has_more,
            last,
        }
    }
}

fn in_range(t: i64, ge: Option<i64>, lt: Option<i64>) -> bool {
    ge.is_none_or(|g| t >= g) && lt.is_none_or(|l| t < l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::obj;

    fn setup(n: u64) -> (Gen, TenantData) {
        (
            Gen::new(1, 1, [n; 16], false, String::new()),
            TenantData::new(),
        )
    }

    fn ids(gen: &Gen, r: Resource, page: &ListPage) -> Vec<i64> {
        page.items
            .iter()
            .map(|i| match i {
                Item::Generated(p) => gen.id(r, *p),
                Item::Stored(j) => j.get("id").and_then(J::as_i64).unwrap(),
            })
            .collect()
    }

    #[test]
    fn pages_cover_everything_once() {
        let r = Resource::Customers;
        let (gen, mut data) = setup(103);
        for k in [5i64, 50, 102] {
            data.update::<()>(&gen, r, r.first_id() + k, |j| {
                j.set("name", J::s("x"));
                Ok(())
            });
        }
        data.insert(
            &gen,
            r,
            |id, now| obj! {"id" => id, "createdOn" => time::format(now)},
        );
        for (sort, desc) in [
            (SortField::Id, false),
            (SortField::Id, true),
            (SortField::Modified, false),
        ] {
            let mut all = Vec::new();
            for page in 1..=20 {
                let q = ListQuery {
                    page,
                    page_size: 10,
                    include_total: true,
                    sort,
                    desc,
                    ..ListQuery::default()
                };
                let p = data.list(&gen, r, &q);
                assert_eq!(p.total, Some(104));
                all.extend(ids(&gen, r, &p));
                if !p.has_more {
                    break;
                }
            }
            let mut sorted = all.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), 104, "{sort:?} {desc}");
            if sort == SortField::Id && !desc {
                assert_eq!(all, sorted);
            }
        }
    }

    #[test]
    fn export_resumes_without_gaps() {
        let r = Resource::Jobs;
        let (gen, mut data) = setup(57);
        let mut after = (i64::MIN, i64::MIN);
        let mut seen = Vec::new();
        loop {
            let page = data.export(&gen, r, after, 10);
            for item in &page.items {
                if let Item::Generated(p) = item {
                    seen.push(*p);
                }
            }
            after = page.last;
            if !page.has_more {
                break;
            }
        }
        assert_eq!(seen, (0..57).collect::<Vec<u64>>());
        data.update::<()>(&gen, r, r.first_id() + 3, |_| Ok(()));
        let page = data.export(&gen, r, after, 10);
        assert_eq!(page.items.len(), 1);
    }
}
