//! Who may read and write where: permissions of groups on folders, inherited down
//! the tree. Pure logic; the server's one authorization function applies it.

use serde::{Deserialize, Serialize};

use crate::path::DamPath;

/// Ordered: `Write` includes `Read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Access {
    None,
    Read,
    Write,
}

/// A group's access to a folder and everything below it, until a deeper rule for the
/// same group says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermissionRule {
    pub folder: DamPath,
    pub group: String,
    pub access: Access,
}

/// `PUT /api/permissions/content/dam/...`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPermission {
    pub group: String,
    /// `None` removes the rule, so the folder inherits again.
    pub access: Option<Access>,
}

/// What a group may do where no rule says otherwise: administrators and authors
/// write, dam-users read, any other group nothing.
pub fn default_access(group: &str) -> Access {
    match group {
        "administrators" | "authors" => Access::Write,
        "dam-users" => Access::Read,
        _ => Access::None,
    }
}

pub fn is_within(path: &DamPath, folder: &DamPath) -> bool {
    let (p, f) = (path.as_str(), folder.as_str());
    p == f || (p.starts_with(f) && p.as_bytes().get(f.len()) == Some(&b'/'))
}

/// Every permission rule of a deployment and its public folders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub rules: Vec<PermissionRule>,
    /// Folders anyone may read, logged in or not.
    pub public: Vec<DamPath>,
}

impl Policy {
    /// One group's access to `path`: the deepest rule for the group above it, or the
    /// group's default. Administrators always write.
    pub fn group_access(&self, group: &str, path: &DamPath) -> Access {
        if group == "administrators" {
            return Access::Write;
        }
        self.rules
            .iter()
            .filter(|r| r.group == group && is_within(path, &r.folder))
            .max_by_key(|r| r.folder.as_str().len())
            .map_or_else(|| default_access(group), |r| r.access)
    }

    /// A user's access: the most any of their groups has, and at least read in a
    /// public folder.
    pub fn access(&self, groups: &[String], path: &DamPath) -> Access {
        let by_groups = groups.iter().map(|g| self.group_access(g, path)).max().unwrap_or(Access::None);
        by_groups.max(self.anonymous_access(path))
    }

    pub fn anonymous_access(&self, path: &DamPath) -> Access {
        if self.public.iter().any(|p| is_within(path, p)) {
            Access::Read
        } else {
            Access::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> DamPath {
        DamPath::parse(s).unwrap()
    }

    fn rule(folder: &str, group: &str, access: Access) -> PermissionRule {
        PermissionRule { folder: p(folder), group: group.into(), access }
    }

    #[test]
    fn the_deepest_rule_of_each_group_decides_and_groups_add_up() {
        let policy = Policy {
            rules: vec![
                rule("/content/dam/hr", "authors", Access::None),
                rule("/content/dam/hr/public", "authors", Access::Read),
                rule("/content/dam/hr", "dam-users", Access::Write),
            ],
            public: vec![p("/content/dam/press")],
        };
        let authors = ["authors".to_owned()];
        assert_eq!(policy.access(&authors, &p("/content/dam/other/a.jpg")), Access::Write, "the default");
        assert_eq!(policy.access(&authors, &p("/content/dam/hr/salaries.pdf")), Access::None);
        assert_eq!(policy.access(&authors, &p("/content/dam/hr/public/a.jpg")), Access::Read);
        assert_eq!(policy.access(&authors, &p("/content/dam/hrx/a.jpg")), Access::Write, "a sibling is not below");
        let both = ["authors".to_owned(), "dam-users".to_owned()];
        assert_eq!(policy.access(&both, &p("/content/dam/hr/salaries.pdf")), Access::Write);
        assert_eq!(policy.access(&["administrators".to_owned()], &p("/content/dam/hr/x")), Access::Write);
        assert_eq!(policy.anonymous_access(&p("/content/dam/press/kit.pdf")), Access::Read);
        assert_eq!(policy.anonymous_access(&p("/content/dam/hr")), Access::None);
        assert_eq!(policy.access(&[], &p("/content/dam/press/kit.pdf")), Access::Read);
    }
}
