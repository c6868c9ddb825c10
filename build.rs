// The default theme and the `rounds init` scaffold are compiled into the binary.
fn main() {
    println!("cargo:rerun-if-changed=themes");
    println!("cargo:rerun-if-changed=src/cmd/scaffold");
}
