//! OpenAPI schemas of the types whose JSON form is a checked string. Their parsers
//! are the rule; the patterns here say the same for clients and fuzzers, and the
//! length limits are the parsers' own constants.

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::metadata::{
    Description, Properties, PropertyName, Title, MAX_DESCRIPTION_BYTES, MAX_PROPERTIES, MAX_PROPERTY_NAME_BYTES, MAX_PROPERTY_VALUE_BYTES, MAX_TITLE_BYTES,
};
use crate::page::{PagePath, MAX_PAGE_PATH_NAMES};
use crate::path::{DamPath, MAX_PATH_BYTES};
use crate::tag::TagId;

fn checked_string(pattern: &str, max_length: usize, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).max_length(Some(max_length)).description(Some(description)).into()
}

impl PartialSchema for DamPath {
    fn schema() -> RefOr<Schema> {
        checked_string(
            "^/content/dam(/[^/]+)*$",
            MAX_PATH_BYTES,
            "A folder or asset of the DAM: /content/dam or a path below it, e.g. /content/dam/photos/lake.jpg",
        )
    }
}

impl ToSchema for DamPath {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DamPath")
    }
}

impl PartialSchema for PagePath {
    fn schema() -> RefOr<Schema> {
        checked_string(
            "^/content/[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$",
            "/content/".len() + MAX_PAGE_PATH_NAMES * (crate::page::MAX_PAGE_NAME_BYTES + 1),
            "A page of a site: /content/<site> or a page below it, never under /content/dam, e.g. /content/we-retail/en",
        )
    }
}

impl ToSchema for PagePath {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PagePath")
    }
}

impl PartialSchema for TagId {
    fn schema() -> RefOr<Schema> {
        checked_string(
            "^[a-z0-9_-]+:([a-z0-9_-]+(/[a-z0-9_-]+)*)?$",
            crate::tag::MAX_TAG_BYTES,
            "A tag: its namespace, a colon, and the path of names below it, e.g. products:shoes/running",
        )
    }
}

impl ToSchema for TagId {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("TagId")
    }
}

fn bounded_string(min_length: usize, max_length: usize, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length((min_length > 0).then_some(min_length))
        .max_length(Some(max_length))
        .description(Some(description))
}

impl PartialSchema for Title {
    fn schema() -> RefOr<Schema> {
        bounded_string(1, MAX_TITLE_BYTES, "dc:title; not blank, trimmed").pattern(Some("\\S")).into()
    }
}

impl ToSchema for Title {}

impl PartialSchema for Description {
    fn schema() -> RefOr<Schema> {
        bounded_string(0, MAX_DESCRIPTION_BYTES, "dc:description").into()
    }
}

impl ToSchema for Description {}

impl PartialSchema for PropertyName {
    fn schema() -> RefOr<Schema> {
        bounded_string(1, MAX_PROPERTY_NAME_BYTES, "A free property's name").pattern(Some("^[A-Za-z0-9:_.-]+$")).into()
    }
}

impl ToSchema for PropertyName {}

impl PartialSchema for Properties {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some("Free properties, names to values"))
            .max_properties(Some(MAX_PROPERTIES))
            .property_names(Some(PropertyName::schema()))
            .additional_properties(Some(bounded_string(0, MAX_PROPERTY_VALUE_BYTES, "A free property's value")))
            .into()
    }
}

impl ToSchema for Properties {}
