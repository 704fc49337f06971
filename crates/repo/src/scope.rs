//! Which parts of the DAM a caller may read, in a form both a single check and a
//! catalog's query filter can use, so lists and searches show exactly what
//! authorization allows.

use tessera_model::access::{default_access, is_within};
use tessera_model::{Access, DamPath, Policy};

/// Readable where any part allows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadScope {
    parts: Vec<Part>,
}

/// One group's view: the deepest rule above a path decides, else the default.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Part {
    /// Folder → may read, deepest folders first.
    rules: Vec<(DamPath, bool)>,
    default: bool,
}

impl Part {
    fn new(mut rules: Vec<(DamPath, bool)>, default: bool) -> Self {
        rules.sort_by_key(|(p, _)| std::cmp::Reverse(p.as_str().len()));
        Part { rules, default }
    }

    fn allows(&self, path: &DamPath) -> bool {
        self.rules.iter().find(|(folder, _)| is_within(path, folder)).map_or(self.default, |(_, may)| *may)
    }

    fn is_nothing(&self) -> bool {
        !self.default && self.rules.iter().all(|(_, may)| !may)
    }
}

impl ReadScope {
    pub fn everything() -> Self {
        ReadScope { parts: vec![Part::new(Vec::new(), true)] }
    }

    pub fn nothing() -> Self {
        ReadScope { parts: Vec::new() }
    }

    /// What a member of `groups` may read under `policy` (public folders included).
    pub fn for_groups(policy: &Policy, groups: &[String]) -> Self {
        if groups.iter().any(|g| g == "administrators") {
            return Self::everything();
        }
        let mut scope = Self::anonymous(policy);
        for group in groups {
            let rules = policy.rules.iter().filter(|r| &r.group == group).map(|r| (r.folder.clone(), r.access >= Access::Read)).collect();
            scope.parts.push(Part::new(rules, default_access(group) >= Access::Read));
        }
        scope
    }

    /// What anyone may read: the public folders.
    pub fn anonymous(policy: &Policy) -> Self {
        let public = policy.public.iter().map(|p| (p.clone(), true)).collect();
        ReadScope { parts: vec![Part::new(public, false)] }
    }

    pub fn allows(&self, path: &DamPath) -> bool {
        self.parts.iter().any(|p| p.allows(path))
    }

    /// Whether nothing at all is readable, so a query can be skipped.
    pub fn is_nothing(&self) -> bool {
        self.parts.iter().all(Part::is_nothing)
    }

    /// Whether everything is readable, so a catalog's query needs no filter for it.
    pub fn is_everything(&self) -> bool {
        self.parts.iter().any(|p| p.default && p.rules.iter().all(|(_, may)| *may))
    }

    /// The parts a catalog turns into its own filter, for all that is readable at
    /// all: a path is readable when any part allows it. In each part the deepest
    /// rule above the path decides (rules come deepest first), else its default.
    pub fn readable_parts(&self) -> impl Iterator<Item = (&[(DamPath, bool)], bool)> {
        self.parts.iter().filter(|p| !p.is_nothing()).map(|p| (p.rules.as_slice(), p.default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_model::PermissionRule;

    fn p(s: &str) -> DamPath {
        DamPath::parse(s).unwrap()
    }

    #[test]
    fn a_scope_agrees_with_the_policy() {
        let policy = Policy {
            rules: vec![
                PermissionRule { folder: p("/content/dam/hr"), group: "authors".into(), access: Access::None },
                PermissionRule { folder: p("/content/dam/hr/open"), group: "authors".into(), access: Access::Read },
            ],
            public: vec![p("/content/dam/press")],
        };
        let groups = ["authors".to_owned()];
        let scope = ReadScope::for_groups(&policy, &groups);
        for path in ["/content/dam/a.jpg", "/content/dam/hr/x.pdf", "/content/dam/hr/open/y.pdf", "/content/dam/hr_x/z", "/content/dam/press/k"] {
            assert_eq!(scope.allows(&p(path)), policy.access(&groups, &p(path)) >= Access::Read, "{path}");
        }
        let anonymous = ReadScope::anonymous(&policy);
        assert!(anonymous.allows(&p("/content/dam/press/kit.pdf")));
        assert!(!anonymous.allows(&p("/content/dam/a.jpg")));
        assert!(ReadScope::anonymous(&Policy::default()).is_nothing());
    }

    #[test]
    fn everything_is_readable_only_where_no_rule_takes_anything_away() {
        assert!(ReadScope::everything().is_everything());
        assert!(ReadScope::for_groups(&Policy::default(), &["administrators".to_owned()]).is_everything());
        assert!(!ReadScope::nothing().is_everything());
        let denied = Policy { rules: vec![PermissionRule { folder: p("/content/dam/hr"), group: "authors".into(), access: Access::None }], public: Vec::new() };
        let authors = ["authors".to_owned()];
        assert!(!ReadScope::for_groups(&denied, &authors).is_everything(), "authors read everything but hr");
        assert!(ReadScope::for_groups(&Policy::default(), &authors).is_everything(), "no rule: the group's default");
        assert!(!ReadScope::anonymous(&Policy { rules: Vec::new(), public: vec![p("/content/dam/press")] }).is_everything());
    }
}
