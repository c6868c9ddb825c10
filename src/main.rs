mod config;
mod content;
mod diagnostic;
mod load;
mod markdown;
mod schema;
mod theme;
fn main() {}
