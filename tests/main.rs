//! The integration tests, one binary (as ripgrep has): each module runs the
//! real `rounds` binary on fixture sites or against servers on 127.0.0.1.
//! One binary links the dependency tree once instead of once per file.

mod common;

mod brand;
mod build;
mod check;
mod check_report;
mod contract_server;
mod corrections;
mod corrections_publish;
mod crash;
mod deploy;
mod diagnostics_output;
mod errors;
mod errors_refs;
mod errors_types;
mod facebook_contract;
mod function_length;
mod language_access;
mod languages;
mod layering;
mod linkedin_contract;
mod linkedin_publish;
mod mastodon_contract;
mod meta_publish;
mod outreach;
mod outreach_preview;
mod outreach_style;
mod pds_peer;
mod pictures;
mod private_images;
mod publish;
mod readability_es;
mod responsive_images;
mod safety_gate;
mod safety_paths;
mod safety_publish;
mod safety_secrets;
mod safety_serve;
mod safety_templates;
mod safety_terms;
mod serve;
mod serve_browser;
mod social_table;
mod structured_data;
mod theme_browser;
mod theme_edges;
mod threads_contract;
mod x_contract;
mod x_counting;
mod x_publish;
