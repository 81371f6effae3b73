//! The committed resource reports are what the current RTL synthesises to: regenerate them
//! (`cargo run -p slotproof-hdl -- reports`) whenever a block changes, or this fails.

use std::path::PathBuf;

use slotproof_hdl::catalog::entries;
use slotproof_hdl::eda::work_dir;
use slotproof_hdl::report::write_reports;

#[test]
fn committed_reports_are_up_to_date() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bitstreams/reports");
    let fresh = work_dir("reports-check").unwrap();
    write_reports(&fresh, &entries(), &mut |_| {}).unwrap();
    let mut compared = 0;
    for entry in std::fs::read_dir(&fresh).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let want = std::fs::read_to_string(&path).unwrap();
        let have = std::fs::read_to_string(committed.join(&name)).unwrap_or_else(|e| {
            panic!("bitstreams/reports/{}: {e}; run `cargo run -p slotproof-hdl -- reports`", name.display())
        });
        assert!(
            have == want,
            "bitstreams/reports/{} is stale: run `cargo run -p slotproof-hdl -- reports`",
            name.display()
        );
        compared += 1;
    }
    assert_eq!(compared, 2 * entries().len() + 1, "every block has two reports, plus the summary");
}
