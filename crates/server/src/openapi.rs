//! `GET /api/openapi.json`: this API described as OpenAPI 3.1. A test sends every
//! documented operation to the router, so the document cannot describe a route
//! that does not exist; schemathesis (in `cargo xtask test`) fuzzes it for 5xx.

use axum::Json;
use serde_json::{json, Value};

fn error_responses(codes: &[&str]) -> Value {
    let mut out = serde_json::Map::new();
    for code in codes {
        out.insert((*code).to_owned(), json!({ "$ref": format!("#/components/responses/E{code}") }));
    }
    Value::Object(out)
}

fn ok(code: &str, schema: Option<&str>) -> Value {
    match schema {
        Some(s) => {
            json!({ code: { "description": "OK", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{s}") } } } } })
        }
        None => json!({ code: { "description": "Done" } }),
    }
}

fn body(schema: &str) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } })
}

fn merge(a: Value, b: Value) -> Value {
    let (Value::Object(mut a), Value::Object(b)) = (a, b) else {
        return Value::Null;
    };
    a.extend(b);
    Value::Object(a)
}

fn op(summary: &str, params: Value, request: Option<Value>, success: Value, errors: &[&str]) -> Value {
    let mut o = json!({ "summary": summary, "parameters": params, "responses": merge(success, error_responses(errors)) });
    if let Some(r) = request {
        o["requestBody"] = r;
    }
    o
}

fn dam_path() -> Value {
    json!([{ "name": "path", "in": "path", "required": true, "description": "A DAM path without its leading slash, e.g. content/dam/photos/lake.jpg",
             "schema": { "type": "string", "pattern": "^content/dam(/.*)?$" } }])
}

fn page_path() -> Value {
    json!([{ "name": "path", "in": "path", "required": true, "description": "A page path without its leading slash, e.g. content/site/en",
             "schema": { "type": "string", "pattern": "^content/[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$" } }])
}

fn force() -> Value {
    json!({ "name": "force", "in": "query", "schema": { "type": "boolean" } })
}

pub fn document() -> Value {
    let p = dam_path;
    let with = |mut params: Value, extra: Value| {
        params.as_array_mut().expect("array").push(extra);
        params
    };
    let search_params: Vec<Value> = [
        ("q", json!({ "type": "string", "maxLength": 1000 })),
        ("kind", json!({ "type": "string", "enum": ["image", "document"] })),
        ("doctype", json!({ "type": "string", "enum": ["pdf", "word", "excel", "powerpoint", "text"] })),
        ("mime", json!({ "type": "string" })),
        ("folder", json!({ "type": "string", "pattern": "^/content/dam(/.*)?$" })),
        ("tag", json!({ "type": "string" })),
        ("orientation", json!({ "type": "string", "enum": ["landscape", "portrait", "square"] })),
        ("modified_after", json!({ "type": "integer", "format": "int64" })),
        ("modified_before", json!({ "type": "integer", "format": "int64" })),
        ("sort", json!({ "type": "string", "enum": ["relevance", "name", "modified", "size"] })),
        ("order", json!({ "type": "string", "enum": ["asc", "desc"] })),
        ("limit", json!({ "type": "integer", "minimum": 0, "maximum": 4294967295u64 })),
        ("cursor", json!({ "type": "string" })),
    ]
    .into_iter()
    .map(|(name, schema)| json!({ "name": name, "in": "query", "schema": schema }))
    .collect();

    json!({
        "openapi": "3.1.0",
        "info": { "title": "Tessera deployment API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "One Tessera deployment: its DAM, login, and (for a Sites deployment) the editor's settings. Unsafe methods from a session need its CSRF token in x-csrf-token." },
        "security": [{ "cookie": [], "csrf": [] }, {}],
        "paths": {
            "/api/deployment": { "get": op("This deployment's origin, roles and remote DAM", json!([]), None, ok("200", Some("DeploymentInfo")), &[]) },
            "/api/login": { "post": op("Log in; sets the login-token cookie", json!([]), Some(body("LoginRequest")), ok("200", Some("Me")), &["400", "401", "403", "415", "422", "429"]) },
            "/api/logout": { "post": op("End the session", json!([]), None, ok("204", None), &["403"]) },
            "/api/me": { "get": op("The logged-in user", json!([]), None, ok("200", Some("Me")), &["401"]) },
            "/api/session": { "get": op("Who is logged in: the user, or null (never 401)", json!([]), None, ok("200", Some("SessionStatus")), &[]) },
            "/api/folders/{path}": {
                "get": op("List a folder", p(), None, ok("200", Some("FolderListing")), &["400", "401", "404"]),
                "post": op("Create a folder", p(), Some(body("CreateFolder")), ok("201", Some("Folder")), &["400", "401", "403", "404", "409", "415", "422"]),
                "delete": op("Delete a folder with everything in it", with(p(), force()), None, ok("204", None), &["400", "401", "403", "404", "409"]),
            },
            "/api/tree/{path}": { "get": op("A folder's sub-folders, depth levels deep", with(p(), json!({ "name": "depth", "in": "query", "schema": { "type": "integer", "minimum": 0, "maximum": 4294967295u64 } })), None, ok("200", Some("FolderTree")), &["400", "401", "404"]) },
            "/api/assets/{path}": {
                "get": op("An asset's metadata", p(), None, ok("200", Some("Asset")), &["400", "401", "404"]),
                "put": {
                    "summary": "Upload a file as a new asset: the raw bytes, their type in Content-Type",
                    "parameters": with(with(p(), json!({ "name": "title", "in": "query", "schema": { "type": "string", "maxLength": 1024 } })),
                                       json!({ "name": "parents", "in": "query", "schema": { "type": "boolean" } })),
                    "requestBody": { "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } },
                                                                    "image/jpeg": { "schema": { "type": "string", "format": "binary" } } } },
                    "responses": merge(ok("201", Some("Asset")), error_responses(&["400", "401", "403", "404", "409", "413", "415", "422"])),
                },
                "patch": op("Edit title, description, free properties", p(), Some(body("MetadataPatch")), ok("200", Some("Asset")), &["400", "401", "403", "404", "415", "422"]),
                "delete": op("Delete an asset", with(p(), force()), None, ok("204", None), &["400", "401", "403", "404", "409"]),
            },
            "/api/asset-tags/{path}": { "put": op("Replace an asset's tags", p(), Some(body("AssetTags")), ok("200", Some("Asset")), &["400", "401", "403", "404", "415", "422"]) },
            "/api/move/{path}": { "post": op("Move or rename an asset or folder", p(), Some(body("MoveRequest")), ok("204", None), &["400", "401", "403", "404", "409", "415", "422"]) },
            "/api/renditions/{name}/{path}": { "get": {
                "summary": "A rendition's bytes; byte ranges, ETag and If-None-Match supported",
                "parameters": [{ "name": "name", "in": "path", "required": true, "schema": { "type": "string", "enum": tessera_model::RenditionName::ALL.map(|n| n.as_str()) } }, p()[0].clone()],
                "responses": merge(json!({ "200": { "description": "The bytes" }, "206": { "description": "Part of the bytes" }, "304": { "description": "Not modified" } }), error_responses(&["400", "401", "404", "416"])),
            } },
            "/api/search": { "get": op("Search assets: words and filters, keyset paging", Value::Array(search_params), None, ok("200", Some("SearchResults")), &["400", "401", "404"]) },
            "/api/tags": {
                "get": op("The tag taxonomy", json!([]), None, json!({ "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Tag" } } } } } }), &["401"]),
                "post": op("Create or retitle a tag", json!([]), Some(body("CreateTag")), ok("201", Some("Tag")), &["400", "401", "403", "415", "422"]),
            },
            "/api/tags/{tag}": { "delete": op("Delete a tag and the tags under it", json!([{ "name": "tag", "in": "path", "required": true, "schema": { "type": "string" } }]), None, ok("204", None), &["400", "401", "403", "422"]) },
            "/api/references/{path}": {
                "get": op("Pages that use an asset (or anything in a folder), by deployment", p(), None, ok("200", Some("References")), &["400", "401", "404"]),
                "post": op("Record that a page uses an asset", p(), Some(body("Reference")), ok("204", None), &["400", "401", "403", "404", "415", "422"]),
                "delete": op("Forget that a page uses an asset", p(), Some(body("Reference")), ok("204", None), &["400", "401", "403", "404", "415", "422"]),
            },
            "/api/permissions/{path}": {
                "get": op("Permission rules on a folder and above it", p(), None, json!({ "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/PermissionRule" } } } } } }), &["400", "401", "403", "404"]),
                "put": op("Set or remove a group's access to a folder", p(), Some(body("SetPermission")), ok("204", None), &["400", "401", "403", "404", "415", "422"]),
            },
            "/api/pages": { "get": op("Every page of this Sites deployment", json!([]), None, json!({ "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/PageSummary" } } } } } }), &["401"]) },
            "/api/pages/{path}": {
                "get": op("A page, with its version in ETag", page_path(), None, ok("200", Some("Page")), &["400", "401", "404"]),
                "post": op("Create a page below an existing one", page_path(), Some(body("CreatePage")), ok("201", Some("Page")), &["400", "401", "403", "404", "409", "415", "422"]),
                "put": {
                    "summary": "Save a page; If-Match must name the version it was based on",
                    "parameters": with(page_path(), json!({ "name": "If-Match", "in": "header", "required": true, "schema": { "type": "string", "pattern": "^\"v[0-9]+\"$" } })),
                    "requestBody": body("PageContent"),
                    "responses": merge(ok("200", Some("Page")), error_responses(&["400", "401", "403", "404", "412", "415", "422", "428"])),
                },
                "delete": op("Delete a page and the pages below it", page_path(), None, ok("204", None), &["400", "401", "403", "404"]),
            },
            "/api/page-move/{path}": { "post": op("Move a page and the pages below it", page_path(), Some(body("MovePage")), ok("204", None), &["400", "401", "403", "404", "409", "415", "422"]) },
            "/api/publish/{path}": {
                "get": op("The assets a page uses, before publishing", page_path(), None, ok("200", Some("PublishReport")), &["400", "401", "404"]),
                "post": op("Publish the saved page at /content/<site>/<page>.html", page_path(), None, ok("200", Some("PublishReport")), &["400", "401", "403", "404"]),
            },
            "/api/preview/{path}": { "get": {
                "summary": "The saved page rendered as publishing would, for its authors",
                "parameters": page_path(),
                "responses": merge(json!({ "200": { "description": "HTML" } }), error_responses(&["400", "401", "404"])),
            } },
            "/api/image/{path}": { "get": {
                "summary": "An image with an edit state applied, at a width from the image policy",
                "parameters": with(with(p(), json!({ "name": "edit", "in": "query", "required": true, "schema": { "type": "string" } })),
                                   json!({ "name": "w", "in": "query", "required": true, "schema": { "type": "integer", "minimum": 0, "maximum": 4294967295u64 } })),
                "responses": merge(json!({ "200": { "description": "JPEG" }, "304": { "description": "Not modified" }, "503": { "description": "Busy; see Retry-After" } }), error_responses(&["400", "401", "404"])),
            } },
            "/api/connected-assets/config": {
                "get": op("The Connected Assets configuration (administrators; never the password)", json!([]), None, ok("200", Some("ConnectedConfig")), &["401", "403", "404"]),
                "put": op("Change the Connected Assets configuration (administrators)", json!([]), Some(body("ConnectedConfigUpdate")), ok("200", Some("ConnectedConfig")), &["400", "401", "403", "404", "415", "422"]),
            },
            "/api/connected-assets/test": { "post": op("Test connection: reachability, authentication and CORS of the remote DAM", json!([]), None, ok("200", Some("ConnectionReport")), &["401", "403", "404"]) },
            "/api/connected-assets/fetch": { "post": op("Fetch a remote asset into the mount point for a page, as the DAM distributor, within 5 seconds", json!([]), Some(body("FetchRequest")), ok("200", Some("FetchResult")), &["400", "401", "403", "404", "409", "415", "422", "502", "503", "504"]) },
            "/api/jobs": { "get": op("Async Jobs: fetches, large originals and reference reports, newest first",
                json!([{ "name": "state", "in": "query", "schema": { "type": "string", "enum": ["active", "success", "failed"] } }]), None,
                json!({ "200": { "description": "OK", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Job" } } } } } }), &["400", "401", "404"]) },
            "/api/openapi.json": { "get": { "summary": "This document", "security": [{}], "responses": { "200": { "description": "OpenAPI 3.1" } } } },
        },
        "components": {
            "securitySchemes": {
                "cookie": { "type": "apiKey", "in": "cookie", "name": "login-token" },
                "csrf": { "type": "apiKey", "in": "header", "name": "x-csrf-token" },
            },
            "responses": responses(&["400", "401", "403", "404", "409", "412", "413", "415", "416", "422", "428", "429", "502", "503", "504"]),
            "schemas": schemas(),
        },
    })
}

fn responses(codes: &[&str]) -> Value {
    let mut out = serde_json::Map::new();
    for code in codes {
        out.insert(
            format!("E{code}"),
            json!({ "description": "Refused; the message says why",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }),
        );
    }
    Value::Object(out)
}

fn schemas() -> Value {
    let s = |t: &str| json!({ "type": t });
    let path = json!({ "type": "string", "pattern": "^/content/dam(/.*)?$" });
    let tag = json!({ "type": "string", "pattern": "^[a-z0-9_-]+:([a-z0-9_-]+(/[a-z0-9_-]+)*)?$" });
    json!({
        "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": { "code": s("string"), "message": s("string") } } } },
        "LoginRequest": { "type": "object", "required": ["user", "password"], "additionalProperties": false, "properties": { "user": s("string"), "password": s("string") } },
        "SessionStatus": { "type": "object", "required": ["user"], "properties": { "user": { "oneOf": [{ "$ref": "#/components/schemas/Me" }, { "type": "null" }] } } },
        "Me": { "type": "object", "required": ["user", "groups", "csrf_token"], "properties": { "user": s("string"), "groups": { "type": "array", "items": s("string") }, "csrf_token": s("string") } },
        "DeploymentInfo": { "type": "object", "properties": { "origin": s("string"), "roles": { "type": "array", "items": s("string") }, "remote_dam_url": { "type": ["string", "null"] },
            "mount_point": { "type": ["string", "null"] } } },
        "Folder": { "type": "object", "properties": { "path": path, "name": s("string"), "title": s("string") } },
        "CreateFolder": { "type": "object", "additionalProperties": false, "properties": { "title": { "type": ["string", "null"], "maxLength": 1024 } } },
        "FolderTree": { "type": "object", "properties": { "folder": { "$ref": "#/components/schemas/Folder" }, "children": { "type": "array", "items": { "$ref": "#/components/schemas/FolderTree" } } } },
        "Asset": { "type": "object", "properties": {
            "path": path, "name": s("string"), "title": s("string"), "description": s("string"), "mime": s("string"),
            "kind": { "enum": ["image", "document"] }, "size": s("integer"), "width": { "type": ["integer", "null"] }, "height": { "type": ["integer", "null"] },
            "orientation": { "enum": ["landscape", "portrait", "square", null] }, "created_by": s("string"), "created_at": s("integer"),
            "modified_by": s("string"), "modified_at": s("integer"), "properties": { "type": "object", "additionalProperties": s("string") },
            "tags": { "type": "array", "items": tag },
            "renditions": { "type": "array", "items": { "type": "object", "properties": { "name": s("string"), "href": s("string") } } },
            "processing": { "type": "object", "properties": { "state": { "enum": ["pending", "done", "failed"] }, "error": s("string") } } } },
        "FolderListing": { "type": "object", "properties": { "folder": { "$ref": "#/components/schemas/Folder" },
            "folders": { "type": "array", "items": { "$ref": "#/components/schemas/Folder" } }, "assets": { "type": "array", "items": { "$ref": "#/components/schemas/Asset" } } } },
        "MetadataPatch": { "type": "object", "additionalProperties": false, "properties": { "title": { "type": ["string", "null"] }, "description": { "type": ["string", "null"] },
            "properties": { "type": ["object", "null"], "additionalProperties": s("string") } } },
        "AssetTags": { "type": "object", "required": ["tags"], "additionalProperties": false, "properties": { "tags": { "type": "array", "items": tag } } },
        "Tag": { "type": "object", "properties": { "tag": tag, "title": s("string") } },
        "CreateTag": { "type": "object", "required": ["tag"], "additionalProperties": false, "properties": { "tag": tag, "title": { "type": ["string", "null"] } } },
        "MoveRequest": { "type": "object", "required": ["to"], "additionalProperties": false, "properties": { "to": path, "force": s("boolean") } },
        "Reference": { "type": "object", "required": ["page_path"], "additionalProperties": false, "properties": { "sites_url": { "type": ["string", "null"] }, "page_path": s("string") } },
        "References": { "type": "object", "properties": { "total": s("integer"), "by_deployment": { "type": "array", "items": { "type": "object",
            "properties": { "sites_url": { "type": ["string", "null"] }, "count": s("integer"), "pages": { "type": "array", "items": s("string") } } } } } },
        "SearchResults": { "type": "object", "properties": { "assets": { "type": "array", "items": { "$ref": "#/components/schemas/Asset" } },
            "next_cursor": { "type": ["string", "null"] }, "total": { "type": ["integer", "null"] } } },
        "PageSummary": { "type": "object", "properties": { "path": s("string"), "title": s("string"), "modified_at": s("integer"), "published_at": { "type": ["integer", "null"] } } },
        "Page": { "type": "object", "properties": { "path": s("string"), "version": s("integer"), "title": s("string"), "description": s("string"), "components": { "type": "array", "items": s("object") },
            "modified_by": s("string"), "modified_at": s("integer"), "published_at": { "type": ["integer", "null"] } } },
        "PageContent": { "type": "object", "required": ["title", "components"], "additionalProperties": false,
            "properties": { "title": s("string"), "description": s("string"), "components": { "type": "array", "items": { "type": "object", "required": ["id", "type"],
                "properties": { "id": s("string"), "type": { "enum": ["title", "text", "image", "download"] } } } } } },
        "CreatePage": { "type": "object", "required": ["title"], "additionalProperties": false, "properties": { "title": s("string") } },
        "MovePage": { "type": "object", "required": ["to"], "additionalProperties": false, "properties": { "to": s("string") } },
        "PublishReport": { "type": "object", "properties": { "url": s("string"), "version": s("integer"), "published_at": { "type": ["integer", "null"] },
            "assets": { "type": "array", "items": { "type": "object", "properties": { "component": s("string"), "title": s("string"), "path": s("string"),
                "repository": { "type": ["string", "null"] }, "state": { "enum": ["local", "fetched", "remote", "fetching", "failed", "missing"] } } } } } },
        "ConnectedConfig": { "type": "object", "properties": { "title": s("string"), "remote_dam_url": s("string"), "distributor_user": s("string"),
            "distributor_password_set": s("boolean"), "mount_point": path, "local_sites_url": s("string"), "threshold_bytes": s("integer"), "shared_datastore": s("boolean") } },
        "ConnectedConfigUpdate": { "type": "object", "additionalProperties": false,
            "required": ["title", "remote_dam_url", "distributor_user", "mount_point", "local_sites_url", "threshold_bytes", "shared_datastore"],
            "properties": { "title": s("string"), "remote_dam_url": s("string"), "distributor_user": s("string"), "distributor_password": { "type": ["string", "null"] },
                "mount_point": path, "local_sites_url": s("string"), "threshold_bytes": { "type": "integer", "minimum": 0 }, "shared_datastore": s("boolean") } },
        "ConnectionReport": { "type": "object", "properties": { "reachable": { "$ref": "#/components/schemas/Check" }, "authenticated": { "$ref": "#/components/schemas/Check" },
            "cors": { "$ref": "#/components/schemas/Check" } } },
        "Check": { "type": "object", "properties": { "ok": s("boolean"), "message": s("string") } },
        "FetchRequest": { "type": "object", "required": ["remote_path", "page_path"], "additionalProperties": false,
            "properties": { "remote_path": path, "page_path": s("string") } },
        "FetchResult": { "type": "object", "properties": { "asset": { "$ref": "#/components/schemas/Asset" }, "original": { "enum": ["copied", "shared", "pending"] },
            "dropped_tags": s("integer"), "bytes_transferred": s("integer"), "job": s("integer") } },
        "Job": { "type": "object", "properties": { "id": s("integer"), "kind": { "enum": ["fetch", "original", "reference"] }, "state": { "enum": ["active", "success", "failed"] },
            "remote_path": path, "local_path": path, "page_path": { "type": ["string", "null"] }, "error": { "type": ["string", "null"] },
            "started_at": s("integer"), "ended_at": { "type": ["integer", "null"] }, "bytes_done": s("integer"), "bytes_total": { "type": ["integer", "null"] } } },
        "PermissionRule": { "type": "object", "properties": { "folder": path, "group": s("string"), "access": { "enum": ["none", "read", "write"] } } },
        "SetPermission": { "type": "object", "required": ["group"], "additionalProperties": false, "properties": { "group": s("string"), "access": { "enum": ["none", "read", "write", null] } } },
    })
}

pub async fn serve() -> Json<Value> {
    Json(document())
}
