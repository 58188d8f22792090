//! The schema after a fresh migration equals the committed golden file
//! (tests/golden/schema.sql). `UPDATE_GOLDEN=1` rewrites it.

use std::path::PathBuf;

#[test]
fn schema_matches_golden() {
    let dir = tempfile::tempdir().unwrap();
    let app = tobaucu_app::App::open(&dir.path().join("s.sqlite")).unwrap();
    let schema = app.store().schema_sql().unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/schema.sql");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &schema).unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(golden == schema, "schema changed; if intended, add a migration and run UPDATE_GOLDEN=1 cargo test --test integration schema");
}
