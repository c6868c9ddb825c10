//! Requests checked against a saved OpenAPI 3.0 description, for contract
//! servers: a JSON body against its operation's request schema (`$ref`s
//! resolved inside the document, by the `jsonschema` crate), and query
//! parameters against the operation's declared ones (name, type, range,
//! pattern, enum, date-time), as X's API checks them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

pub struct OpenApi {
    doc: Value,
    /// Compiled validators, by operation and content type or component name.
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

impl OpenApi {
    /// A spec saved in `tests/fixtures/specs/` (a copy of the project's
    /// `shared/specs/`, so a clean clone has it).
    pub fn shared(file: &str) -> OpenApi {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/specs")
            .join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("the contract {}: {e}", path.display()));
        OpenApi {
            doc: serde_json::from_str(&text).expect("the contract is JSON"),
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The operation for a method and a path template (`/2/users/{id}/tweets`).
    pub fn operation(&self, method: &str, template: &str) -> Option<&Value> {
        self.doc["paths"][template]
            .get(method.to_ascii_lowercase())
            .filter(|o| o.is_object())
    }

    /// What is wrong with a request body, by the operation's schema for this
    /// content type (empty when it is right).
    pub fn body_errors(
        &self,
        method: &str,
        template: &str,
        content_type: &str,
        body: &Value,
    ) -> Vec<String> {
        let Some(schema) = self
            .operation(method, template)
            .map(|o| &o["requestBody"]["content"][content_type]["schema"])
            .filter(|s| !s.is_null())
        else {
            return vec![format!("{method} {template} takes no {content_type} body")];
        };
        self.errors(&format!("{method} {template} {content_type}"), schema, body)
    }

    /// What is wrong with `value` as the named component schema (an answer
    /// such as `CreatePostsResponse` or `InvalidRequestProblem`).
    pub fn component_errors(&self, name: &str, value: &Value) -> Vec<String> {
        let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
        self.errors(name, &schema, value)
    }

    fn errors(&self, key: &str, schema: &Value, value: &Value) -> Vec<String> {
        let validator = {
            let mut cache = self.validators.lock().unwrap_or_else(|e| e.into_inner());
            cache
                .entry(key.to_string())
                .or_insert_with(|| {
                    // The schema's `$ref`s point into this document's components.
                    let root = json!({
                        "$schema": "http://json-schema.org/draft-07/schema#",
                        "allOf": [schema],
                        "components": self.doc["components"],
                    });
                    Arc::new(
                        jsonschema::options()
                            .build(&root)
                            .expect("the contract's schema compiles"),
                    )
                })
                .clone()
        };
        validator
            .iter_errors(value)
            .map(|e| format!("{} at `{}`", e, e.instance_path()))
            .collect()
    }

    /// What is wrong with the query parameters (empty when they are right).
    /// `aliases` maps a name the server also takes to the spec's name.
    pub fn query_errors(
        &self,
        method: &str,
        template: &str,
        pairs: &[(String, String)],
        aliases: &[(&str, &str)],
    ) -> Vec<String> {
        let Some(operation) = self.operation(method, template) else {
            return vec![format!("no operation {method} {template} in the contract")];
        };
        let declared: Vec<&Value> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| self.resolve(p))
            .filter(|p| p["in"] == "query")
            .collect();
        let mut errors = Vec::new();
        for (name, value) in pairs {
            let spec_name = aliases
                .iter()
                .find(|(alias, _)| alias == name)
                .map_or(name.as_str(), |(_, real)| real);
            match declared.iter().find(|p| p["name"] == spec_name) {
                None => errors.push(format!(
                    "the query parameter [{name}] is not one of the operation's"
                )),
                Some(param) => {
                    let schema = self.resolve(&param["schema"]);
                    if let Err(why) = self.check_value(schema, value) {
                        errors.push(format!("[{name}] = {value:?}: {why}"));
                    }
                }
            }
        }
        errors
    }

    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value["$ref"].as_str() {
            Some(reference) => {
                let pointer = reference.trim_start_matches('#');
                self.resolve(self.doc.pointer(pointer).unwrap_or(&Value::Null))
            }
            None => value,
        }
    }

    /// A query value (a string) against a parameter schema; arrays are
    /// comma-separated (`style: form`, `explode: false`).
    fn check_value(&self, schema: &Value, value: &str) -> Result<(), String> {
        match schema["type"].as_str() {
            Some("array") => {
                let items: Vec<&str> = value.split(',').collect();
                if let Some(min) = schema["minItems"].as_u64() {
                    if (items.len() as u64) < min {
                        return Err(format!("fewer than {min} items"));
                    }
                }
                let item_schema = self.resolve(&schema["items"]);
                items
                    .iter()
                    .try_for_each(|item| self.check_value(item_schema, item))
            }
            Some("integer") => {
                let n: i64 = value.parse().map_err(|_| "not an integer".to_string())?;
                if schema["minimum"].as_i64().is_some_and(|min| n < min)
                    || schema["maximum"].as_i64().is_some_and(|max| n > max)
                {
                    return Err(format!(
                        "outside {}..={}",
                        schema["minimum"], schema["maximum"]
                    ));
                }
                Ok(())
            }
            _ => {
                if let Some(allowed) = schema["enum"].as_array() {
                    if !allowed.iter().any(|a| a == value) {
                        return Err("not one of the allowed values".into());
                    }
                }
                if let Some(pattern) = schema["pattern"].as_str() {
                    let re = regex::Regex::new(pattern).map_err(|e| e.to_string())?;
                    if !re.is_match(value) {
                        return Err(format!("does not match {pattern}"));
                    }
                }
                if schema["minLength"]
                    .as_u64()
                    .is_some_and(|m| (value.chars().count() as u64) < m)
                {
                    return Err("too short".into());
                }
                if schema["format"] == "date-time"
                    && chrono::DateTime::parse_from_rfc3339(value).is_err()
                {
                    return Err("not an RFC 3339 date-time".into());
                }
                Ok(())
            }
        }
    }
}
